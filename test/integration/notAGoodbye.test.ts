import { Chat, type Turn } from '../helpers/chat';
import { startTestApp, type RunningApp } from '../helpers/testApp';

/**
 * Outside tester (black box, real Bot Framework activities): "see", alone or beside a link to an attachment, was
 * answered "Goodbye! Write any time." Only a farewell in words is a goodbye (dialogs/farewellWords.ts).
 */
const said = (turn: Turn) => turn.replies.join(' | ');

describe('a word the model reads as a goodbye is not one unless it says so', () => {
  let running: RunningApp;
  beforeAll(async () => {
    running = await startTestApp();
  });
  afterAll(() => running.stop());

  test.each(['see', 'see https://files.example.com/photo-of-box.jpg'])('%j is not answered with a goodbye', async (text) => {
    const chat = new Chat(running, { locale: 'en-US' });
    const turn = await chat.say(text);
    expect(turn.replies.length).toBeGreaterThan(0);
    expect(said(turn)).not.toMatch(/Goodbye/i);
  });

  test.each([
    ['en-US', 'bye', /Goodbye/],
    ['es-ES', 'adiós', /Adiós|Hasta/i],
  ])('%s %j still is', async (locale, text, reply) => {
    const chat = new Chat(running, { locale });
    expect(said(await chat.say(text))).toMatch(reply);
  });
});
