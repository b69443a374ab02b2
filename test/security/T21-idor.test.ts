import type { Socket } from 'socket.io-client';
import type { Customer, Message } from '../../models/records';
import { messageActivity, post } from '../helpers/activities';
import { ChannelServer } from '../helpers/channelServer';
import { createStaff, online, request, type Staff } from '../helpers/consoleClient';
import { startTestApp, type RunningApp } from '../helpers/testApp';

/**
 * T21: the IDOR matrix over the real app (issue 15, item 5): transcripts, profiles and merge suggestions, each tried
 * by an agent with the ids of someone else's customers. Need-to-know: an agent reads a customer only where they may
 * read one of that customer's conversations; a customer they may not see answers byte for byte like one that does
 * not exist. Every supervisor and admin read of a chat or profile, by REST or socket, leaves an audit record.
 * (Orders: the commerce tests.)
 */
describe("T21 IDOR matrix and audit of reviewers' reads", () => {
  let running: RunningApp;
  let channel: ChannelServer;
  let alice: Staff; // holds Xena's and Xavier's chats
  let bob: Staff; // held Yuri's chat, closed since
  let sup: Staff;
  let admin: Staff;
  const sockets: Socket[] = [];
  const ids = { xena: '', xavier: '', yuri: '', zoe: '', wanda: '', queued: '', xenaChat: '', yuriChat: '', zoeChat: '' };

  const says = (conv: string, user: string, name: string, text: string) =>
    post(running.url, messageActivity({ conversation: { id: conv }, from: { id: user, name }, text, serviceUrl: channel.url, deliveryMode: undefined }));
  const auth = (s: Staff) => ({ authorization: `Bearer ${s.token}` });
  const get = (path: string, s: Staff) => fetch(`${running.url}${path}`, { headers: auth(s) });
  const answer = async (res: Response) => ({ status: res.status, body: await res.text() });
  const customerOf = async (conv: string) => (await running.app.store.findConversationByChannel('test', conv))!;

  beforeAll(async () => {
    running = await startTestApp();
    channel = await new ChannelServer().start();
    alice = await createStaff(running.app, { name: 'Alice Agent', capacity: 5 });
    bob = await createStaff(running.app, { name: 'Bob Agent', capacity: 5 });
    sup = await createStaff(running.app, { role: 'supervisor', name: 'Sue Supervisor' });
    admin = await createStaff(running.app, { role: 'admin', name: 'Adam Admin' });
    const sa = await online(running.app, running.url, alice);
    const sb = await online(running.app, running.url, bob);
    sockets.push(sa, sb);
    const escalateTo = async (socket: Socket, conv: string, user: string, name: string) => {
      await says(conv, user, name, 'I want to talk to a human');
      const c = await customerOf(conv);
      expect((await request(socket, 'conversation:claim', { conversationId: c.id })).ok).toBe(true);
      return c;
    };
    const xena = await escalateTo(sa, 't21-xena', 'xena', 'Xena Ward');
    const xavier = await escalateTo(sa, 't21-xavier', 'xavier', 'Xavier Ward');
    const yuri = await escalateTo(sb, 't21-yuri', 'yuri', 'Yuri Held');
    expect((await request(sb, 'conversation:close', { conversationId: yuri.id })).ok).toBe(true);
    await says('t21-zoe', 'zoe', 'Zoe Botonly', 'where is my order 12345');
    const zoe = await customerOf('t21-zoe');
    await says('t21-queued', 'quinn', 'Quinn Waiting', 'I want to talk to a human');
    const queued = await customerOf('t21-queued');
    const wanda = await running.app.store.createCustomer({
      displayName: 'Wanda Imported',
      contacts: [{ type: 'email', value: 'wanda@example.com', verified: true, source: 'import', addedAt: new Date().toISOString() }],
    });
    Object.assign(ids, {
      xena: xena.customerId,
      xavier: xavier.customerId,
      yuri: yuri.customerId,
      zoe: zoe.customerId,
      wanda: wanda.id,
      queued: queued.customerId,
      xenaChat: xena.id,
      yuriChat: yuri.id,
      zoeChat: zoe.id,
    });
    // Two suggestions for Xena: one with Xavier (both Alice's), one with Wanda (nobody's chat).
    await running.app.services.identity.applyUnverifiedContact(ids.xavier, { type: 'email', value: 'ward.family@example.com' }, 'chat');
    await running.app.services.identity.applyUnverifiedContact(ids.xena, { type: 'email', value: 'ward.family@example.com' }, 'chat');
    await running.app.services.identity.applyUnverifiedContact(ids.xena, { type: 'email', value: 'wanda@example.com' }, 'chat');
  });
  afterAll(async () => {
    sockets.forEach((s) => s.disconnect());
    await running.stop();
    await channel.stop();
  });

  test('transcripts: an agent reads the chats they hold or held; any other is exactly a 404 of a chat that does not exist', async () => {
    const missing = await answer(await get('/api/transcripts/no-such-conversation', bob));
    expect(missing.status).toBe(404);
    for (const [who, chat, status] of [
      [alice, ids.xenaChat, 200],
      [bob, ids.yuriChat, 200],
      [bob, ids.xenaChat, 404],
      [alice, ids.yuriChat, 404],
      [alice, ids.zoeChat, 404],
    ] as const) {
      const r = await answer(await get(`/api/transcripts/${chat}`, who));
      expect({ chat, status: r.status }).toEqual({ chat, status });
      if (status === 404) expect(r).toEqual(missing);
    }
  });

  test('profiles: an agent reads the customers whose chats they may read; any other is exactly a 404 of a customer that does not exist', async () => {
    const missing = await answer(await get('/api/customers/no-such-customer', bob));
    expect(missing.status).toBe(404);
    for (const [who, customer, status] of [
      [alice, ids.xena, 200], // her chat now
      [bob, ids.yuri, 200], // his chat, closed
      [alice, ids.queued, 200], // waiting in the queue: any agent may take the chat, so may look first
      [bob, ids.xena, 404],
      [alice, ids.yuri, 404],
      [alice, ids.zoe, 404], // only ever talked to the bot
      [bob, ids.wanda, 404], // imported, no chat at all
    ] as const) {
      const r = await answer(await get(`/api/customers/${customer}`, who));
      expect({ customer, status: r.status }).toEqual({ customer, status });
      if (status === 404) expect(r).toEqual(missing);
      else expect((JSON.parse(r.body) as { customer: Customer }).customer.id).toBe(customer);
    }
    // A socket is no side door: the same customer cannot be changed through the console either.
    const sb = sockets[1];
    expect((await request(sb, 'customer:update', { customerId: ids.xena, addNote: 'looked you up' })).error?.code).toBe('NOT_FOUND');
    for (const id of [ids.xena, ids.wanda, ids.zoe]) expect((await get(`/api/customers/${id}`, sup)).status).toBe(200);
  });

  test('merge suggestions: listed only between customers the agent may both see; deciding any other is exactly a 404', async () => {
    type Suggestion = { id: string; customerId: string; candidateId: string; evidence: string[] };
    const list = async (s: Staff) => ((await (await get('/api/merge-suggestions', s)).json()) as { suggestions: Suggestion[] }).suggestions;
    const pair = (s: Suggestion) => [s.customerId, s.candidateId].sort().join('+');
    const withXavier = [ids.xena, ids.xavier].sort().join('+');
    const withWanda = [ids.xena, ids.wanda].sort().join('+');
    const all = await list(sup);
    expect(all.map(pair)).toEqual(expect.arrayContaining([withXavier, withWanda]));
    expect((await list(alice)).map(pair)).toEqual([withXavier]);
    expect(await list(bob)).toEqual([]);
    const toWanda = all.find((s) => pair(s) === withWanda)!;
    const toXavier = all.find((s) => pair(s) === withXavier)!;
    const decide = (s: Staff, id: string) =>
      fetch(`${running.url}/api/merge-suggestions/${id}`, {
        method: 'POST',
        headers: { ...auth(s), 'content-type': 'application/json' },
        body: JSON.stringify({ confirm: true }),
      });
    const missing = await answer(await decide(alice, 'no-such-suggestion'));
    expect(missing.status).toBe(404);
    expect(await answer(await decide(alice, toWanda.id))).toEqual(missing);
    expect(await answer(await decide(bob, toXavier.id))).toEqual(missing);
    // Nothing was merged by the refused attempts; the one Alice may make works.
    expect((await running.app.store.getCustomer(ids.wanda))?.mergedInto).toBeFalsy();
    expect((await running.app.store.getCustomer(ids.xena))?.mergedInto).toBeFalsy();
    expect((await decide(alice, toXavier.id)).status).toBe(200);
    expect((await list(sup)).map(pair)).not.toContain(withXavier);
  });

  test('every supervisor and admin read of a chat or a profile is audited, by REST and by socket', async () => {
    const reads = async (actorId: string) =>
      (await running.app.store.listAudit({ actorId, limit: 1000 })).map((a) => `${a.action}:${a.targetId}:${(a.data?.via as string | undefined) ?? ''}`);
    expect((await get(`/api/customers/${ids.zoe}`, admin)).status).toBe(200);
    expect((await get(`/api/transcripts/${ids.zoeChat}`, admin)).status).toBe(200);
    expect(await reads(admin.id)).toEqual(expect.arrayContaining([`customer.view:${ids.zoe}:api`, `transcript.view:${ids.zoeChat}:`]));

    const ss = await online(running.app, running.url, sup);
    sockets.push(ss);
    const opened = await request<{ messages: Message[]; customer: Customer; history: unknown[] }>(ss, 'conversation:join', { conversationId: ids.yuriChat });
    expect(opened.ok).toBe(true);
    expect(await reads(sup.id)).toEqual(expect.arrayContaining([`transcript.view:${ids.yuriChat}:console`, `customer.view:${ids.yuri}:console`]));
    const synced = await request<{ messages: Message[] }>(ss, 'sync', { cursors: { [ids.xenaChat]: 0 } });
    expect(synced.data!.messages.length).toBeGreaterThan(0);
    expect(await reads(sup.id)).toContain(`transcript.view:${ids.xenaChat}:sync`);

    // The services write these records, not the edges: a read made through the service alone is audited too.
    const before = (await reads(sup.id)).length;
    await running.app.services.profiles.read(ids.queued, { id: sup.id, role: 'supervisor' }, 'api');
    expect((await reads(sup.id)).length).toBe(before + 1);
    // An agent's reads of their own customers are their work, not oversight: no customer.view for them.
    expect((await reads(alice.id)).filter((r) => r.startsWith('customer.view'))).toEqual([]);
  });
});
