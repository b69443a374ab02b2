import type { Order } from '../../commerce/commerceBackend';
import { SAMPLE_ORDERS } from '../../commerce/demoCommerceBackend';
import { Chat } from '../helpers/chat';
import { CODE, CodeOutbox } from '../helpers/codeOutbox';
import { ScriptedRecognizer } from '../helpers/scriptedRecognizer';
import { sharedRecognizer } from '../helpers/sharedRecognizer';
import { startTestApp, type RunningApp } from '../helpers/testApp';

/** A message the recognizer splits between asking for a refund and asking where one stands (scripted). */
const REFUND_UNSURE = 'something about a refund';

/**
 * Outside tester, through /api/messages: a return was opened for an order not shipped, and the same order then
 * cancelled with an automatic refund (HIGH); a code and a yes were asked before saying an order cannot be changed
 * (MEDIUM); a bare "refund" went round clarifying questions and was lost (LOW).
 */
describe('what may happen to an order, end to end', () => {
  let running: RunningApp;
  const outbox = new CodeOutbox();
  beforeAll(async () => {
    const recognizer = new ScriptedRecognizer(await sharedRecognizer(), {
      [REFUND_UNSURE]: {
        intent: 'refund.request',
        score: 0.5,
        alternatives: [
          { intent: 'refund.request', score: 0.5 },
          { intent: 'refund.status', score: 0.4 },
        ],
      },
    });
    running = await startTestApp({ DEMO_ACCOUNTS: 'true', VERIFY_OUTBOX_FILE: outbox.file }, { recognizer });
  });
  afterAll(async () => {
    await running.stop();
    outbox.remove();
  });

  const shop = { customerId: 'shop', verifiedEmails: ['ana@example.com', 'ben@example.com'], proofs: [] };
  const backend = () => running.app.services.backend;
  const status = async (n: string) => {
    const r = await backend().getOrder(shop, n);
    return r.ok ? r.value.status : r.reason;
  };
  /** The sample order as seeded, with no return and no refund (kept under its old keys too, as earlier versions did). */
  const reset = async (n: string) => {
    await running.app.store.writeState(`demo/orders/${n}`, { order: SAMPLE_ORDERS.find((o) => o.number === n)!, ret: null, refund: null });
    await running.app.store.deleteState([`demo/returns/${n}`, `demo/refunds/${n}`]);
  };
  /** Says each line (CODE: the code from the mailbox); the replies of each turn, joined. */
  const talk = async (chat: Chat, lines: string[]) => {
    const out: string[] = [];
    for (const line of lines) out.push((await chat.say(line === CODE ? outbox.lastCode() : line)).replies.join(' '));
    return out;
  };

  describe('HIGH: never a return and a cancel-refund on one order', () => {
    test("the tester's Spanish return of an order being prepared: refused at once, no code, no return", async () => {
      await reset('55555');
      const before = outbox.sent().length;
      const said = await talk(new Chat(running, { locale: 'es-ES' }), ['hola, quiero devolver el pedido 55555', 'ana@example.com']);
      expect(said[1]).toMatch(/El pedido 55555 aún no se ha enviado, así que no hay nada que devolver. Puedes cancelarlo/);
      expect(said.join(' ')).not.toMatch(/código|devolución RT-/);
      expect(outbox.sent()).toHaveLength(before);
      expect(await backend().getReturn(shop, '55555')).toEqual({ ok: true, value: null });
    });

    test('an order with a return open (opened before this fix, as the tester did) is not cancelled, even after the code and a yes', async () => {
      await reset('55555');
      await running.app.store.writeState('demo/returns/55555', {
        ret: { returnId: 'RT-TESTER01', labelUrl: 'https://returns.example.com/label/RT-TESTER01', status: 'awaiting_item' },
      });
      const said = await talk(new Chat(running), ['where is order 55555', 'ana@example.com', 'cancel it', CODE, 'yes']);
      expect(said[1]).toMatch(/Order 55555 is being prepared/);
      expect(said[4]).toMatch(/Order 55555 has a return open, so it cannot be cancelled/);
      expect(said[4]).not.toMatch(/is cancelled|refund will follow/);
      expect(await status('55555')).toBe('processing');
      expect(await backend().getRefund(shop, '55555')).toEqual({ ok: true, value: null });
    });

    test('cancelled (with its one refund), the order cannot be returned nor refunded again: said at once, no code', async () => {
      await reset('55555');
      const said = await talk(new Chat(running), ['where is order 55555', 'ana@example.com', 'cancel it', CODE, 'yes']);
      expect(said[4]).toMatch(/Order 55555 is cancelled. Your refund will follow automatically/);
      const refund = await backend().getRefund(shop, '55555');
      expect(refund.ok && refund.value).toMatchObject({ status: 'approved', amount: 124.5 });
      const before = outbox.sent().length;
      const es = await talk(new Chat(running, { locale: 'es-ES' }), ['hola, quiero devolver el pedido 55555', 'ana@example.com']);
      expect(es[1]).toMatch(/El pedido 55555 fue cancelado, así que no hay nada que devolver/);
      const en = await talk(new Chat(running), ['I want a refund for order 55555', 'ana@example.com']);
      expect(en[1]).toMatch(/Order 55555 was cancelled, so there is no refund to request: a cancelled order is refunded automatically/);
      expect(outbox.sent()).toHaveLength(before);
      expect(await backend().getReturn(shop, '55555')).toEqual({ ok: true, value: null });
      expect(await backend().getRefund(shop, '55555')).toEqual(refund);
    });
  });

  describe('MEDIUM: a change the status rules out is said before any code', () => {
    const noCode = async (locale: string, lines: string[], expected: RegExp) => {
      const before = outbox.sent().length;
      const said = await talk(new Chat(running, { locale }), lines);
      expect(said.at(-1)).toMatch(expected);
      expect(said.join(' ')).not.toMatch(/code|código|Cancel order|¿Cancelo|Open a return|Request a refund/);
      expect(outbox.sent()).toHaveLength(before);
    };

    test("the tester's shipped order: why it cannot be cancelled, and the return once it arrives", async () => {
      await noCode(
        'en-US',
        ['hi, where is my order 12345?', 'ana@example.com', 'I want to cancel it'],
        /Order 12345 has already shipped, so it cannot be cancelled. You can return it once it arrives/,
      );
      await noCode(
        'es-ES',
        ['¿dónde está mi pedido 12345?', 'ana@example.com', 'quiero cancelarlo'],
        /El pedido 12345 ya se ha enviado y no se puede cancelar/,
      );
      expect(await status('12345')).toBe('shipped');
    });

    test("the tester's cancelled order: nothing to return", async () => {
      await noCode('en-US', ['where is order 24680', 'ben@example.com', 'I want to return it'], /Order 24680 was cancelled, so there is nothing to return/);
    });

    test.each([
      [
        'en-US',
        ['I want to return order 12345', 'ana@example.com'],
        /Order 12345 is on its way, so it cannot be returned yet. You can return it once it arrives/,
      ],
      [
        'en-US',
        ['I want a refund for order 55555', 'ana@example.com'],
        /Order 55555 has not shipped yet, so there is no refund to request: you can cancel it instead/,
      ],
      ['en-US', ['please cancel order 67890', 'ben@example.com'], /Order 67890 was delivered, so it cannot be cancelled. You can return it instead/],
      ['es-ES', ['quiero cancelar el pedido 67890', 'ben@example.com'], /El pedido 67890 ya se entregó y no se puede cancelar. Puedes devolverlo/],
      ['es-ES', ['quiero un reembolso del pedido 24680', 'ben@example.com'], /El pedido 24680 fue cancelado, así que no hay reembolso que pedir/],
    ])('%s %j: said before any code', async (locale, lines, expected) => {
      await reset('55555');
      await noCode(locale, lines, expected);
    });

    test('the final check stays at the change: an order that ships after the yes was asked is not cancelled', async () => {
      await reset('55555');
      const chat = new Chat(running);
      const said = await talk(chat, ['please cancel order 55555', 'ana@example.com', CODE]);
      expect(said[2]).toMatch(/Cancel order 55555/);
      const key = 'demo/orders/55555';
      const e = (await running.app.store.readState([key]))[key];
      await running.app.store.writeState(key, { ...e.value, order: { ...(e.value.order as Order), status: 'shipped' } }, e.etag);
      expect((await talk(chat, ['yes']))[0]).toMatch(/Order 55555 has already shipped, so it cannot be cancelled/);
      expect(await status('55555')).toBe('shipped');
    });
  });

  describe('LOW: "refund" is a refund request', () => {
    test.each([['refund'], ['Refund!'], ['a refund please']])('%p asks for the order, and the refund goes on with it', async (text) => {
      const chat = new Chat(running);
      const first = await chat.say(text);
      expect(first.replies.join(' ')).toMatch(/What is your order number/);
      expect(first.buttons).toEqual([]);
      expect((await chat.say('67890')).replies.join(' ')).toMatch(/e-mail address the order was placed with/);
    });

    test('an order number at a clarifying question about refunds goes on with the refund', async () => {
      const chat = new Chat(running);
      expect((await chat.say(REFUND_UNSURE)).buttons).toEqual(['Request a refund', 'Status of my refund', 'None of these']);
      const turn = await chat.say('67890');
      expect(turn.replies.join(' ')).toMatch(/To show you order 67890, please tell me the e-mail address/);
      expect(turn.buttons).toEqual([]);
      expect((await chat.say('ben@example.com')).replies.join(' ')).toMatch(/I have sent a 6-digit code to b•••@example\.com/);
      expect((await chat.say(outbox.lastCode('ben@example.com'))).replies.join(' ')).toMatch(/why do you want a refund/);
    });
  });
});
