import type { Refund } from '../../commerce/commerceBackend';
import type { DemoCommerceBackend } from '../../commerce/demoCommerceBackend';
import { Chat } from '../helpers/chat';
import { CodeOutbox } from '../helpers/codeOutbox';
import { startTestApp, type RunningApp } from '../helpers/testApp';

/**
 * Outside tester, through /api/messages with real activities: at a cancel confirmation a change of mind that speaks
 * of keeping ("actually no, wait, I want to keep it") or a yes with a condition about keeping part of the order got
 * "Sorry"; they are a no (nothing cancelled, and only whole orders can be cancelled is said). At "Briefly, why do you
 * want a refund?" a bare "yes" was taken as the reason; it is asked again. A refund's status reached Spanish
 * customers as the English word ("está requested"): every status, in both languages, is a sentence of its own.
 */
describe('answers at confirmations and the refund reason', () => {
  let running: RunningApp;
  const outbox = new CodeOutbox();
  let offset = 0;
  beforeAll(async () => {
    running = await startTestApp({ DEMO_ACCOUNTS: 'true', VERIFY_OUTBOX_FILE: outbox.file }, { clock: () => Date.now() + offset });
  });
  // Codes are counted per address and hour of the service's clock: each test starts with the whole allowance.
  beforeEach(() => {
    offset += 2 * 3_600_000;
  });
  afterAll(async () => {
    await running.stop();
    outbox.remove();
  });

  const said = (turn: { replies: string[] }) => turn.replies.join(' ');
  const backend = () => running.app.services.backend as DemoCommerceBackend;
  const owner = { customerId: 'test', verifiedEmails: ['ana@example.com', 'ben@example.com'], proofs: [] };
  const status = async (n: string) => {
    const r = await backend().getOrder(owner, n);
    return r.ok ? r.value.status : r.reason;
  };

  /** Verified with the e-mailed code, at "Cancel order 55555 (…)?". */
  async function atCancelConfirmation(locale = 'en-US') {
    const chat = new Chat(running, { locale });
    await chat.say(locale === 'es-ES' ? 'quiero cancelar el pedido 55555' : 'I need to cancel order 55555');
    await chat.say('ana@example.com');
    expect(said(await chat.say(outbox.lastCode('ana@example.com')))).toMatch(/Cancel order 55555|¿Cancelo el pedido 55555/);
    return chat;
  }

  test.each([['hold on, no. I would rather keep it'], ['hmm, I think I want to keep it after all'], ['wait, keep the order please']])(
    '%j at the cancel confirmation is a no: nothing cancelled, no "Sorry"',
    async (answer) => {
      const chat = await atCancelConfirmation();
      const turn = await chat.say(answer);
      expect(said(turn)).toMatch(/OK, I did not cancel order 55555/);
      expect(said(turn)).not.toMatch(/Sorry|did not understand/);
      expect(await status('55555')).toBe('processing');
    },
  );

  test('a yes on condition of keeping some items is no yes: not cancelled, and how to keep part of an order is said', async () => {
    const chat = await atCancelConfirmation();
    const turn = await chat.say('ok but could I keep the wool socks?');
    expect(said(turn)).toMatch(/OK, I did not cancel order 55555\. I can only cancel a whole order/);
    expect(await status('55555')).toBe('processing');
  });

  test('Spanish: "espera, prefiero quedármelo" is a no', async () => {
    const chat = await atCancelConfirmation('es-ES');
    expect(said(await chat.say('espera, prefiero quedármelo'))).toMatch(/no he cancelado el pedido 55555/);
    expect(await status('55555')).toBe('processing');
  });

  test('at a refund confirmation and at "delete my account?", keeping is a no too', async () => {
    const chat = new Chat(running);
    await chat.say('I want my money back for order 67890');
    await chat.say('ben@example.com');
    await chat.say(outbox.lastCode('ben@example.com'));
    expect(said(await chat.say('the zip broke on day two'))).toMatch(/Request a refund of 59 EUR/);
    expect(said(await chat.say("no wait, I'll keep it and get it fixed"))).toMatch(/did not request a refund for order 67890/);
    expect(await backend().getRefund(owner, '67890')).toEqual({ ok: true, value: null });
    expect(said(await chat.say('please delete my account'))).toMatch(/Do you want to delete your account/);
    expect(said(await chat.say('oh wait, actually I want to keep my account'))).toMatch(/OK, your account stays as it is/);
    expect((await chat.conversation()).state).toBe('bot');
  });

  test('a bare "yes", "ok" or "no" at the refund reason is asked again; twice, nothing is requested', async () => {
    const chat = new Chat(running);
    await chat.say('refund order 12345 please');
    await chat.say('ana@example.com');
    expect(said(await chat.say(outbox.lastCode('ana@example.com')))).toMatch(/why do you want a refund/);
    expect(said(await chat.say('yep'))).toMatch(/Please tell me in a few words why you want a refund/);
    expect(said(await chat.say('ok'))).toMatch(/I need a short reason to request a refund, so I have not requested one for order 12345/);
    expect(await backend().getRefund(owner, '12345')).toEqual({ ok: true, value: null });
    // Asked again, a reason after the re-ask goes on to the confirmation.
    await chat.say('I want a refund for order 12345');
    expect(said(await chat.say('sure'))).toMatch(/Please tell me in a few words/);
    expect(said(await chat.say('the colour is not as pictured'))).toMatch(/Request a refund of 89.9 EUR for order 12345/);
  });

  const STATUS: Record<Refund['status'], [RegExp, RegExp]> = {
    requested: [/is requested and waiting for approval/, /está solicitado y pendiente de aprobación/],
    approved: [/is approved/, /está aprobado/],
    paid: [/is paid/, /ya está pagado/],
    rejected: [/was rejected/, /fue rechazado/],
  };
  test.each(Object.keys(STATUS) as Refund['status'][])('refund status %s, in English and in Spanish', async (s) => {
    const refund: Refund = { id: 'R-TEST0001', orderNumber: '12345', status: s, amount: 89.9, currency: 'EUR', requestedAt: new Date().toISOString() };
    await running.app.store.writeState('demo/refunds/12345', { refund });
    const en = new Chat(running);
    await en.say('what is the status of my refund for order 12345');
    expect(said(await en.say('ana@example.com'))).toMatch(STATUS[s][0]);
    const es = new Chat(running, { locale: 'es-ES' });
    await es.say('quiero saber el estado del reembolso del pedido 12345');
    const answer = said(await es.say('ana@example.com'));
    expect(answer).toMatch(STATUS[s][1]);
    expect(answer).not.toMatch(/\b(requested|approved|paid|rejected)\b/);
  });
});
