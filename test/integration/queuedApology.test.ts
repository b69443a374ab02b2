import { t } from '../../locale/replies';
import { Chat } from '../helpers/chat';
import { startTestApp, type RunningApp } from '../helpers/testApp';

/**
 * Outside tester M10: an angry customer waiting in the queue got the same reminder as anyone, with no apology. A
 * strongly negative message (the escalation policy's sentiment threshold) is now acknowledged once per stay in the
 * queue: an apology, then the same honest wait information; the messages after it get the plain reminder.
 */
describe('an angry customer in the queue is apologised to once per stay', () => {
  let running: RunningApp;
  beforeAll(async () => {
    running = await startTestApp();
    for (const u of await running.app.store.listUsers()) await running.app.store.updateUser(u.id, { presence: 'offline' });
  });
  afterAll(async () => running.stop());

  const angry = 'this is terrible, awful service, I am furious and disgusted';
  const apology = t('en', 'queuedApology');

  test('the first angry message gets the apology and the wait; later ones, angry or not, do not', async () => {
    const chat = new Chat(running);
    await chat.say('I want to talk to a human');
    expect((await chat.conversation()).state).toBe('queued');
    const first = await chat.say(angry);
    const said = first.replies.join(' ');
    expect(said).toContain(`${apology} ${t('en', 'offlineReminder')}`);
    const again = await chat.say(angry);
    expect(again.replies.join(' ')).not.toContain(apology);
    expect(again.replies.join(' ')).toContain(t('en', 'offlineReminder'));
    expect((await chat.say('where is order 12345')).replies.join(' ')).not.toContain(apology);
  });

  test('a calm message gets no apology', async () => {
    const chat = new Chat(running);
    await chat.say('I want to talk to a human');
    expect((await chat.say('ok thanks, I will wait')).replies.join(' ')).not.toContain(apology);
  });

  test('a new stay in the queue may be apologised to again', async () => {
    const chat = new Chat(running);
    await chat.say('I want to talk to a human');
    expect((await chat.say(angry)).replies.join(' ')).toContain(apology);
    await chat.say('cancel my request for a person');
    expect((await chat.conversation()).state).toBe('bot');
    await chat.say('I want to talk to a human');
    expect((await chat.conversation()).state).toBe('queued');
    expect((await chat.say(angry)).replies.join(' ')).toContain(apology);
  });
});
