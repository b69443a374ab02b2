import { t } from '../../locale/replies';
import { Chat } from '../helpers/chat';
import { CodeOutbox } from '../helpers/codeOutbox';
import { startTestApp, type RunningApp } from '../helpers/testApp';

/**
 * Outside tester (wave 32), a customer changing their e-mail or phone in chat. Real activities through the bot; codes
 * read from the development notifier's outbox as a customer reads their mailbox.
 */
describe('changing an e-mail or phone in chat (outside test 32)', () => {
  let running: RunningApp;
  const outbox = new CodeOutbox();
  beforeAll(async () => {
    running = await startTestApp({ VERIFY_OUTBOX_FILE: outbox.file });
  });
  afterAll(async () => {
    await running.stop();
    outbox.remove();
  });
  const vars = (contact: string, kind = 'e-mail address') => ({ contact, digits: 6, minutes: 10, kind });
  const contactOf = async (chat: Chat, value: string) => (await chat.customer()).contacts.find((c) => c.value === value);

  // M5: "yes" at "I sent a code to …, type it here" left the question; the customer means "yes, I'll type it".
  test.each([
    ['en-US', 'change my email to gil.new@example.com', 'yes', 'yeah got it', 'en'],
    ['es-ES', 'quiero cambiar mi correo a gil.nuevo@example.com', 'sí', 'sí, ya lo tengo', 'es'],
  ] as const)('%s: a yes at the code question asks for the code again, and the code still confirms', async (locale, ask, yes, yes2, lang) => {
    const chat = new Chat(running, { locale });
    await chat.say(ask);
    const address = ask.split(' ').at(-1)!;
    await chat.say(yes);
    for (const y of [yes, yes2]) {
      const turn = await chat.say(y);
      expect(turn.replies).toEqual([t(lang, 'askContactCode', { ...vars(address, t(lang, 'contactKindEmail')) })]);
    }
    expect((await chat.say(outbox.lastCode(address))).replies).toEqual([t(lang, 'contactConfirmed', vars(address, t(lang, 'contactKindEmail')))]);
    expect(await contactOf(chat, address)).toMatchObject({ verified: true });
  });
});
