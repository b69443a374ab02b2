import { signSiteToken } from '../../auth/siteToken';
import { DEMO_CUSTOMERS, DemoCommerceBackend, SAMPLE_ORDERS } from '../../commerce/demoCommerceBackend';
import { Chat } from '../helpers/chat';
import { startTestApp, type RunningApp } from '../helpers/testApp';

const SECRET = 'site-secret-for-tests-0123456789abcdef';

/**
 * Orders belong to customers (issue 15, item 9): details and actions only for the customer's own orders; a visitor
 * nobody vouched for proves an order with the e-mail on it, a signed-in web visitor is known by their site token;
 * every refused attempt is audited and the customer gets a clear answer.
 */
describe('orders belong to customers', () => {
  let running: RunningApp;
  beforeAll(async () => {
    running = await startTestApp({ SITE_TOKEN_SECRET: SECRET });
  });
  afterAll(async () => running.stop());

  const status = async (n: string) => {
    const backend = running.app.services.backend as DemoCommerceBackend;
    const mine = { customerId: 'test', verifiedEmails: ['ana@example.com', 'ben@example.com'], proofs: [] };
    const r = await backend.getOrder(mine, n);
    return r.ok ? r.value.status : r.reason;
  };

  test("an anonymous visitor cannot see or cancel someone else's order: refused, audited, order untouched", async () => {
    const chat = new Chat(running);
    expect((await chat.say('cancel my order 55555')).replies.join(' ')).toMatch(/e-mail address the order was placed with/);
    const refused = await chat.say('ben@example.com');
    expect(refused.replies.join(' ')).toMatch(/could not find an order 55555 with that e-mail address, so I cannot show or change it/);
    expect(await status('55555')).toBe('processing');
    const customer = await chat.customer();
    const audit = await running.app.store.listAudit({ action: 'order.ownership_proof_failed', targetId: '55555' });
    expect(audit[0]).toMatchObject({
      actorId: `customer:${customer.id}`,
      targetType: 'order',
      data: expect.objectContaining({ operation: 'prove', reason: 'not_owner' }) as unknown,
    });
    // The wrong e-mail proves nothing for the next question either.
    expect((await chat.say('where is my order 55555')).replies.join(' ')).toMatch(/e-mail address the order was placed with/);
  });

  test('the same answer for an order that does not exist (nothing to learn by trying numbers)', async () => {
    const chat = new Chat(running);
    await chat.say('where is my order 77777');
    const missing = (await chat.say('ana@example.com')).replies.join(' ');
    const chat2 = new Chat(running);
    await chat2.say('where is my order 67890');
    const other = (await chat2.say('ana@example.com')).replies.join(' ');
    expect(missing.replaceAll('77777', 'N')).toBe(other.replaceAll('67890', 'N'));
  });

  test('after three wrong e-mails the bot stops checking in that conversation', async () => {
    const chat = new Chat(running);
    for (const [n, email] of [
      ['12345', 'x@example.com'],
      ['55555', 'y@example.com'],
      ['67890', 'z@example.com'],
    ]) {
      await chat.say(`where is my order ${n}`);
      expect((await chat.say(email)).replies.join(' ')).toMatch(/could not find an order/);
    }
    expect((await chat.say('where is my order 24680')).replies.join(' ')).toMatch(/cannot check more orders in this chat/);
    const me = `customer:${(await chat.customer()).id}`;
    const audit = await running.app.store.listAudit({ action: 'order.ownership_proof_failed' });
    expect(audit.filter((a) => a.actorId === me)).toHaveLength(3);
  });

  test('a web visitor signed in with a site token sees their own orders at once, and is refused (and audited) for others', async () => {
    const siteToken = signSiteToken({ sub: 'site-ana', email: 'ana@example.com', name: 'Ana García', exp: Math.floor(Date.now() / 1000) + 600 }, SECRET);
    const s = (await (
      await fetch(`${running.url}/chat/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ siteToken }) })
    ).json()) as { token: string; conversationId: string };
    const auth = { 'content-type': 'application/json', authorization: `Bearer ${s.token}` };
    const send = (text: string) =>
      fetch(`${running.url}/v3/directline/conversations/${s.conversationId}/activities`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ type: 'message', text }),
      });
    const texts = async () =>
      (
        (await (await fetch(`${running.url}/v3/directline/conversations/${s.conversationId}/activities`, { headers: auth })).json()) as {
          activities: { text: string }[];
        }
      ).activities.map((a) => a.text);
    await send('where is my order 12345');
    expect((await texts()).join(' | ')).toMatch(/12345 has shipped with DHL/);
    await send('where is my order 67890');
    expect((await texts()).join(' | ')).toMatch(/could not find order 67890 among your orders/);
    const refusal = await running.app.store.listAudit({ action: 'order.access_refused', targetId: '67890' });
    expect(refusal[0]).toMatchObject({
      targetType: 'order',
      data: expect.objectContaining({ operation: 'view', reason: 'not_owner', verified: true, channelId: 'webchat' }) as unknown,
    });
  });

  test('the demo backend answers only with the identity of the owner; its orders belong to the demo customers', async () => {
    const backend = running.app.services.backend as DemoCommerceBackend;
    const stranger = { customerId: 'c-1', verifiedEmails: ['someone@example.com'], proofs: [] };
    for (const o of SAMPLE_ORDERS) {
      expect(await backend.getOrder(stranger, o.number)).toEqual({ ok: false, reason: 'not_owner' });
      expect(await backend.cancelOrder(stranger, o.number)).toEqual({ ok: false, reason: 'not_owner' });
      expect(await backend.startReturn(stranger, o.number)).toEqual({ ok: false, reason: 'not_owner' });
      expect(await backend.requestRefund(stranger, o.number, 'x')).toEqual({ ok: false, reason: 'not_owner' });
      expect(DEMO_CUSTOMERS.map((c) => c.email)).toContain(o.customerEmail);
    }
    expect(await backend.getOrder(stranger, '99999')).toEqual({ ok: false, reason: 'not_found' });
    // A proof is for one order: Ana's e-mail named with 12345 opens 12345 only.
    const proved = { customerId: 'c-2', verifiedEmails: [], proofs: [{ orderNumber: '12345', email: 'ana@example.com' }] };
    expect((await backend.getOrder(proved, '12345')).ok).toBe(true);
    expect(await backend.getOrder(proved, '55555')).toEqual({ ok: false, reason: 'not_owner' });
    expect(await backend.openOrdersFor(stranger)).toEqual([]);
  });

  test('with demo accounts on, the demo customers exist with their order e-mails verified', async () => {
    const demo = await startTestApp({ DEMO_ACCOUNTS: 'true' });
    try {
      for (const c of DEMO_CUSTOMERS) {
        const found = await demo.app.store.findCustomerByKey({ kind: 'email', value: c.email });
        expect(found).toMatchObject({ displayName: c.name, contacts: [expect.objectContaining({ value: c.email, verified: true })] });
      }
    } finally {
      await demo.stop();
    }
  });
});
