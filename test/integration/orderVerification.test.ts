import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DemoCommerceBackend } from '../../commerce/demoCommerceBackend';
import { Chat } from '../helpers/chat';
import { createStaff } from '../helpers/consoleClient';
import { startTestApp, type RunningApp } from '../helpers/testApp';

/**
 * Acting on an order needs a verified identity (outside tester's report): an order number and the e-mail on it are
 * not secrets, so a visitor nobody vouched for gets a one-time code sent to that e-mail (the development notifier's
 * outbox here) and must type it back before anything changes; a change needs an explicit yes; an e-mail typed by an
 * unverified visitor is never linked to them as verified, nor merges them into its owner's profile.
 */
describe('verified identity before acting on an order', () => {
  let running: RunningApp;
  // The service's clock starts a minute into an hour, whatever the time of day: codes are counted per hour of it
  // (VERIFY_CODES_PER_HOUR), and the 11 minutes the expiry test moves it on must not carry the codes the suite sends
  // across an hour (run at hh:49 or later, the sixth code to Ana fell in a new hour and was sent).
  const started = Date.now();
  let offset = Math.floor(started / 3_600_000) * 3_600_000 + 60_000 - started;
  const outbox = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'crm-outbox-')), 'codes.jsonl');
  beforeAll(async () => {
    running = await startTestApp({ DEMO_ACCOUNTS: 'true', VERIFY_OUTBOX_FILE: outbox }, { clock: () => Date.now() + offset });
  });
  afterAll(async () => {
    await running.stop();
    fs.rmSync(path.dirname(outbox), { recursive: true, force: true });
  });

  const status = async (n: string) => {
    const backend = running.app.services.backend as DemoCommerceBackend;
    const r = await backend.getOrder({ customerId: 'test', verifiedEmails: ['ana@example.com', 'ben@example.com'], proofs: [] }, n);
    return r.ok ? r.value.status : r.reason;
  };
  const returnOf = async (n: string) => {
    const r = await running.app.services.backend.getReturn({ customerId: 'test', verifiedEmails: ['ben@example.com'], proofs: [] }, n);
    return r.ok ? r.value : r.reason;
  };
  /** The codes the development notifier wrote, newest last. */
  const sent = () =>
    fs.existsSync(outbox)
      ? fs
          .readFileSync(outbox, 'utf8')
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as { to: string; code: string })
      : [];
  const lastCode = () => sent().at(-1)!.code;
  const ana = async () => (await running.app.store.findCustomerByKey({ kind: 'email', value: 'ana@example.com' }))!;

  test("the tester's scenario: an e-mail and a bare 'ok' cancel nothing, link nothing, merge nothing", async () => {
    const before = sent().length;
    const chat = new Chat(running, { channelId: 'webchat' });
    expect((await chat.say('please cancel order 55555')).replies.join(' ')).toMatch(/e-mail address the order was placed with/);
    const asked = (await chat.say('ana@example.com')).replies.join(' ');
    expect(asked).toMatch(/I have sent a 6-digit code to a•••@example\.com/);
    expect(asked).not.toMatch(/Cancel order 55555/);
    expect(asked).not.toMatch(/Rain jacket/); // the items are shown to the verified owner only
    expect(sent()).toHaveLength(before + 1);
    expect(sent().at(-1)!.to).toBe('ana@example.com');
    const ok = (await chat.say('ok')).replies.join(' ');
    expect(ok).not.toMatch(/is cancelled/);
    expect((await chat.say('ok')).replies.join(' ')).not.toMatch(/is cancelled/);
    expect(await status('55555')).toBe('processing');
    const visitor = await chat.customer();
    expect(visitor.id).not.toBe((await ana()).id);
    expect(visitor.mergedInto).toBeUndefined();
    expect(visitor.contacts.filter((c) => c.verified)).toEqual([]);
  });

  test('the verified owner: the code from the e-mail, then an explicit yes ("ok" asks once more) cancels', async () => {
    const chat = new Chat(running, { channelId: 'webchat' });
    await chat.say('please cancel order 55555');
    await chat.say('ana@example.com');
    const confirm = (await chat.say(lastCode())).replies.join(' ');
    expect(confirm).toMatch(/Cancel order 55555 \(Rain jacket and 3 × Wool socks\)\?/);
    const again = (await chat.say('ok')).replies.join(' ');
    expect(again).toMatch(/please answer "yes" \(cancel it\), or "no" to leave order 55555/);
    expect(await status('55555')).toBe('processing');
    expect((await chat.say('yes please')).replies.join(' ')).toMatch(/Order 55555 is cancelled/);
    expect(await status('55555')).toBe('cancelled');
    // Proven now: the address is linked, verified, and the visitor is one person with its owner.
    const me = await chat.customer();
    expect(me.contacts).toContainEqual(expect.objectContaining({ type: 'email', value: 'ana@example.com', verified: true }));
    expect(me.id).toBe((await ana()).id);
    // And for the rest of the conversation the other order needs no new code.
    const before = sent().length;
    expect((await chat.say('I want a refund for order 12345')).replies.join(' ')).toMatch(/why do you want a refund/);
    expect(sent()).toHaveLength(before);
  });

  test('"sure whatever" and "I guess" are no consent: asked once more, then dropped', async () => {
    const chat = new Chat(running, { channelId: 'webchat' });
    await chat.say('I want a refund for order 12345');
    await chat.say('ana@example.com');
    expect((await chat.say(lastCode())).replies.join(' ')).toMatch(/why do you want a refund/);
    expect((await chat.say('it arrived broken')).replies.join(' ')).toMatch(/Request a refund of .* for order 12345/);
    expect((await chat.say('sure whatever')).replies.join(' ')).toMatch(/please answer "yes"/);
    expect((await chat.say('I guess')).replies.join(' ')).toMatch(/did not request a refund for order 12345/);
    const refund = await (running.app.services.backend as DemoCommerceBackend).getRefund(
      { customerId: 't', verifiedEmails: ['ana@example.com'], proofs: [] },
      '12345',
    );
    expect(refund).toEqual({ ok: true, value: null });
  });

  test('a wrong code is refused with the tries left; too many wrong codes end it, audited, order untouched', async () => {
    const chat = new Chat(running, { channelId: 'webchat' });
    await chat.say('I want to return order 67890');
    await chat.say('ben@example.com');
    const right = lastCode();
    const wrong = right === '000000' ? '111111' : '000000';
    const first = (await chat.say(wrong)).replies.join(' ');
    expect(first).toMatch(/That code is not right \(tries left: 2\)/);
    expect(first).toMatch(/type the 6-digit code I sent to b•••@example\.com/);
    expect((await chat.say(wrong)).replies.join(' ')).toMatch(/tries left: 1\b/);
    expect((await chat.say(wrong)).replies.join(' ')).toMatch(/Too many wrong codes: I have not changed order 67890/);
    // The right code is worthless now, and no new code is sent in this conversation.
    const before = sent().length;
    expect((await chat.say('I want to return order 67890')).replies.join(' ')).toMatch(/cannot check more orders in this chat/);
    expect(sent()).toHaveLength(before);
    expect(await returnOf('67890')).toBeNull();
    const me = `customer:${(await chat.customer()).id}`;
    const audit = (await running.app.store.listAudit({ action: 'order.verification_failed', targetId: '67890' })).filter((a) => a.actorId === me);
    expect(audit.map((a) => (a.data as { reason: string }).reason).sort()).toEqual(['too_many', 'wrong', 'wrong']);
    expect(JSON.stringify(audit)).not.toContain(right);
  });

  test('an expired code changes nothing; asking again sends a new one, which works', async () => {
    const chat = new Chat(running, { channelId: 'webchat' });
    await chat.say('I want a refund for order 12345');
    await chat.say('ana@example.com');
    const code = lastCode();
    offset += 11 * 60_000; // past VERIFY_CODE_SECONDS (600 s by default)
    expect((await chat.say(code)).replies.join(' ')).toMatch(/That code has expired, so I have not changed order 12345/);
    const before = sent().length;
    expect((await chat.say('I want a refund for order 12345')).replies.join(' ')).toMatch(/I have sent a 6-digit code/);
    expect(sent()).toHaveLength(before + 1);
    expect((await chat.say(lastCode())).replies.join(' ')).toMatch(/why do you want a refund/);
  });

  test('a visitor only asking where an order is still gets its status, with no code and nothing linked', async () => {
    const chat = new Chat(running, { channelId: 'webchat' });
    await chat.say('where is my order 12345');
    const before = sent().length;
    expect((await chat.say('ana@example.com')).replies.join(' ')).toMatch(/12345 has shipped/);
    expect(sent()).toHaveLength(before);
    expect((await chat.customer()).contacts.filter((c) => c.verified)).toEqual([]);
  });

  test("the tester's scenario on the web chat (Direct Line): nothing changed; the console shows the visitor as unverified", async () => {
    const s = (await (await fetch(`${running.url}/chat/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).json()) as {
      token: string;
      conversationId: string;
    };
    const auth = { 'content-type': 'application/json', authorization: `Bearer ${s.token}` };
    const base = `${running.url}/v3/directline/conversations/${s.conversationId}/activities`;
    const send = async (text: string) => {
      const r = await fetch(base, { method: 'POST', headers: auth, body: JSON.stringify({ type: 'message', text, from: { id: 'visitor' } }) });
      expect(r.status).toBe(200);
    };
    const texts = async () =>
      ((await (await fetch(base, { headers: auth })).json()) as { activities: { text?: string; from: { role?: string } }[] }).activities
        .map((a) => a.text ?? '')
        .join(' | ');
    await send('please return order 67890');
    await send('ben@example.com');
    await send('ok');
    const said = await texts();
    expect(said).toMatch(/sent a 6-digit code to b•••@example\.com/);
    expect(said).not.toMatch(/is open|Open a return for order 67890/);
    expect(await returnOf('67890')).toBeNull();
    const conv = await running.app.store.findConversationByChannel('webchat', s.conversationId);
    const lead = await createStaff(running.app, { role: 'supervisor' });
    const res = await fetch(`${running.url}/api/customers/${conv!.customerId}`, { headers: { authorization: `Bearer ${lead.token}` } });
    expect(res.status).toBe(200);
    const body = JSON.stringify(await res.json());
    // Not Ben's record, and his address is not on it as a verified contact point.
    const ben = await running.app.store.findCustomerByKey({ kind: 'email', value: 'ben@example.com' });
    expect(conv!.customerId).not.toBe(ben!.id);
    expect(body).not.toMatch(/"verified":true/);
  });

  test('the console shows a code-proven e-mail as verified on the customer', async () => {
    const chat = new Chat(running, { channelId: 'webchat' });
    await chat.say('I want to return order 67890');
    await chat.say('ben@example.com');
    await chat.say(lastCode());
    const me = await chat.customer();
    const lead = await createStaff(running.app, { role: 'supervisor' });
    const res = await fetch(`${running.url}/api/customers/${me.id}`, { headers: { authorization: `Bearer ${lead.token}` } });
    expect(res.status).toBe(200);
    const view = (await res.json()) as { contacts?: { value: string; verified: boolean; source: string }[]; customer?: { contacts: unknown[] } };
    const contacts = view.contacts ?? (view.customer?.contacts as { value: string; verified: boolean; source: string }[] | undefined) ?? [];
    expect(contacts).toContainEqual(expect.objectContaining({ value: 'ben@example.com', verified: true }));
  });

  test('codes to one address are rate-limited: five per conversation (VERIFY_CODES_PER_HOUR), twenty whichever chats ask', async () => {
    // Ana has been sent five codes by the tests above, within this hour, from other chats: this chat has its own five.
    expect(sent().filter((m) => m.to === 'ana@example.com')).toHaveLength(5);
    const ask = async () => {
      const chat = new Chat(running, { channelId: 'webchat' });
      await chat.say('I want a refund for order 12345');
      return (await chat.say('ana@example.com')).replies.join(' ');
    };
    for (let n = 6; n <= 20; n++) expect(await ask()).toMatch(/I have sent a 6-digit code/);
    // The address's own cap (VERIFY_ADDRESS_CODES_PER_HOUR, by default max(20, 4 × VERIFY_CODES_PER_HOUR)): no flood.
    expect(await ask()).toMatch(/cannot send another code to that address right now/);
    expect(sent().filter((m) => m.to === 'ana@example.com')).toHaveLength(20);
  });
});
