import { Chat } from '../helpers/chat';
import { CodeOutbox } from '../helpers/codeOutbox';
import { startTestApp, type RunningApp } from '../helpers/testApp';

/**
 * Outside tester (wave 29): "sí" twice at the one-time code question ended it ("De acuerdo, sin el código no he cambiado
 * el pedido 55555."). A yes there is no answer: the code is asked for again, briefly; only a no (or "never mind") ends
 * the question. Real activities through the bot.
 */
describe('a yes at the code question', () => {
  let running: RunningApp;
  const outbox = new CodeOutbox();
  beforeAll(async () => {
    running = await startTestApp({ DEMO_ACCOUNTS: 'true', VERIFY_OUTBOX_FILE: outbox.file });
  });
  afterAll(async () => {
    await running.stop();
    outbox.remove();
  });
  const said = (turn: { replies: string[] }) => turn.replies.join(' ');

  test.each([
    [
      'es-ES',
      'quiero cancelar el pedido 55555',
      'sí',
      /Escribe el código de 6 cifras/,
      /sin el código/,
      /¿Cancelo el pedido 55555/,
      /no he cambiado el pedido 55555/,
    ],
    ['en-US', 'I need to cancel order 55555', 'yes', /type the 6-digit code/, /without the code/, /Cancel order 55555/, /have not changed order 55555/],
  ])(
    '%s: "%s", the e-mail, then "%s" three times: the code is asked for each time, and still works',
    async (locale, ask, yes, again, stopped, confirm, ended) => {
      const chat = new Chat(running, { locale });
      await chat.say(ask);
      await chat.say('ana@example.com');
      for (let i = 0; i < 3; i++) {
        const turn = await chat.say(yes);
        expect(said(turn)).toMatch(again);
        expect(said(turn)).not.toMatch(stopped);
      }
      expect(said(await chat.say(outbox.lastCode('ana@example.com')))).toMatch(confirm);
      // A no still ends a code question.
      const other = new Chat(running, { locale });
      await other.say(ask);
      await other.say('ana@example.com');
      await other.say(yes);
      expect(said(await other.say('no'))).toMatch(ended);
    },
  );
});
