import { t } from '../../locale/replies';
import { Chat } from '../helpers/chat';
import { createStaff } from '../helpers/consoleClient';
import { OWN_SWEEP_OFF, startTestApp, type RunningApp } from '../helpers/testApp';

/**
 * Outside tester LOW 4: "are you still there?" typed while the chat was back in the queue (its agent went offline)
 * got a wrong answer. It is the queue's status: the request stands, waiting for a person.
 */
describe('"are you still there?" while re-queued', () => {
  let running: RunningApp;
  beforeAll(async () => {
    running = await startTestApp({ QUEUE_SWEEP_SECONDS: OWN_SWEEP_OFF });
    for (const u of await running.app.store.listUsers()) await running.app.store.updateUser(u.id, { presence: 'offline' });
  });
  afterAll(async () => running.stop());

  test.each(['are you still there?', 'is anyone there?', 'hello? anybody there?', '¿sigue ahí alguien?'])('"%s" gets the queue status', async (line) => {
    const chat = new Chat(running, { locale: line.startsWith('¿') ? 'es-ES' : 'en-US' });
    const language = line.startsWith('¿') ? 'es' : 'en';
    const agent = await createStaff(running.app, { capacity: 5 });
    await running.app.store.updateUser(agent.id, { presence: 'online' });
    await chat.say(language === 'es' ? 'quiero hablar con una persona' : 'I want to talk to a human');
    const id = (await chat.conversation()).id;
    await running.app.services.handoff.claim(agent.id, id);
    await running.app.store.updateUser(agent.id, { presence: 'offline' });
    await running.app.services.handoff.releaseAgentChats(agent.id);
    expect((await chat.conversation()).state).toBe('queued');
    const turn = await chat.say(line);
    expect(turn.replies).toEqual([t(language, 'offlineReminder')]);
  });
});
