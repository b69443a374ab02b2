import type { Conversation } from '../../models/records';
import { buildConversation, buildCustomer } from '../../store/recordBuilders';
import { appWithChannel } from '../helpers/appWithChannel';
import { connect, connected, createStaff, online, request } from '../helpers/consoleClient';
import { QueueFollower } from '../helpers/queueFollower';

/**
 * The queue delta protocol between the server's queue feed and a console, over real Socket.IO clients on the real
 * app: consoles follow it with the browser's own steps (queueReplica.ts) and must end holding the server's queue,
 * whatever was lost on the way.
 */
describe('queue deltas over Socket.IO', () => {
  const t = appWithChannel();
  let n = 0;

  /** A chat that asks for a person now (the bot's escalation), `boost` priority up. */
  async function queueChat(name: string, boost = 0): Promise<Conversation> {
    const customer = buildCustomer({ displayName: name });
    const id = `qd-${++n}`;
    const c = buildConversation({
      channelId: 'test',
      channelConversationId: id,
      customerId: customer.id,
      reference: { channelId: 'test', serviceUrl: t.channel.url, conversation: { id } },
    });
    await t.running.app.store.importRecords({ customers: [customer], conversations: [c] });
    await t.running.app.services.handoff.escalate(c.id, { reason: 'customer_asked', detail: 'test', priorityBoost: boost });
    return c;
  }

  /** A console signed in and away (offered nothing), following the queue from a fetch of it. */
  async function watcher(): Promise<QueueFollower> {
    const staff = await createStaff(t.running.app);
    const socket = connect(t.running.url, staff.token);
    t.sockets.push(socket);
    await connected(socket);
    expect((await request(socket, 'presence:set', { presence: 'away' })).ok).toBe(true);
    const f = new QueueFollower(socket);
    await f.fetch();
    return f;
  }

  const serverQueue = async () => (await t.running.app.services.handoff.queue()).map((c) => c.id);
  const inStep = async (f: QueueFollower) => {
    const want = await serverQueue();
    await f.until(() => f.ids.join() === want.join());
  };

  test('a new chat comes whole, a re-offer as its changed fields only, a claimed chat as its id; the console holds the server queue', async () => {
    const f = await watcher();
    const first = await queueChat('Ada First');
    await f.until(() => f.ids.includes(first.id));
    expect(f.deltas.find((d) => d.added.some((c) => c.id === first.id))?.added).toHaveLength(1);

    // An agent comes online: routing offers the chat to them; the other console gets the offer as a patch.
    const ann = await createStaff(t.running.app, { name: 'Ann' });
    t.sockets.push(await online(t.running.app, t.running.url, ann));
    await f.until(() => f.entries.get(first.id)?.queueInfo?.offeredTo.includes(ann.id) === true);
    const patch = f.deltas.flatMap((d) => d.changed).find((p) => p.id === first.id && p.set.queueInfo)!;
    expect(Object.keys(patch.set).sort()).toEqual(expect.arrayContaining(['queueInfo', 'version']));
    // Nothing that did not change travels (the reference, the customer, the reason stay as the console holds them).
    for (const field of ['reference', 'customerId', 'customerName', 'handoffReason', 'channelId']) expect(patch.set).not.toHaveProperty(field);
    const stored = (await t.running.app.store.getConversation(first.id))!;
    expect(f.entries.get(first.id)).toMatchObject({
      version: stored.version,
      queueInfo: { offeredTo: [ann.id], offeredAt: stored.queueInfo!.offeredAt },
      customerName: 'Ada First',
    });

    // Ann takes it: it leaves everyone's queue by its id alone.
    expect((await request(ann.socket!, 'conversation:claim', { conversationId: first.id })).ok).toBe(true);
    await f.until(() => !f.ids.includes(first.id));
    expect(f.deltas.some((d) => d.removed.includes(first.id) && !d.added.length)).toBe(true);
    expect(f.entries.has(first.id)).toBe(false);
    await inStep(f);
    expect(f.resyncs).toBe(0);
  });

  test('a chat that jumps the queue (higher priority) brings the new order; the console shows it in the server order', async () => {
    const f = await watcher();
    // Nobody online: Ben and Cy are told no place, so nothing keeps the urgent chat behind them (placeKept.test.ts).
    for (const u of await t.running.app.store.listUsers()) await t.running.app.store.updateUser(u.id, { presence: 'offline' });
    const a = await queueChat('Ben Early');
    const b = await queueChat('Cy Later');
    await f.until(() => f.ids.includes(a.id) && f.ids.includes(b.id));
    const vip = await queueChat('Vi Urgent', 5);
    await f.until(() => f.ids.includes(vip.id));
    const want = await serverQueue();
    expect(want.indexOf(vip.id)).toBeLessThan(want.indexOf(a.id));
    expect(f.deltas.find((d) => d.added.some((c) => c.id === vip.id))?.order).toEqual(want);
    expect(f.ids).toEqual(want);
    expect(f.resyncs).toBe(0);
  });

  test('a lost delta: the next one shows the gap, the console fetches the whole queue once and goes on with deltas', async () => {
    const f = await watcher();
    const seqBefore = f.at!.seq;
    f.drop = 1;
    const lost = await queueChat('Lou Lost');
    await f.until(() => f.deltas.some((d) => d.added.some((c) => c.id === lost.id)));
    expect(f.ids).not.toContain(lost.id);
    // The next change is numbered past what the console holds: it fetches the queue, the lost chat with it.
    const next = await queueChat('Nia Next');
    await f.until(() => f.ids.includes(lost.id) && f.ids.includes(next.id));
    expect(f.resyncs).toBe(1);
    expect(f.at!.seq).toBeGreaterThan(seqBefore + 1);
    await inStep(f);

    // Back in step: the next change applies as a delta, no further fetch.
    const after = await queueChat('Ola After');
    await f.until(() => f.ids.includes(after.id));
    expect(f.resyncs).toBe(1);
    await inStep(f);
  });

  test('a delta of another feed (a restarted or other server) makes the console fetch the whole queue', async () => {
    const f = await watcher();
    const c = await queueChat('Fay Feed');
    await f.until(() => f.ids.includes(c.id));
    const server = [...t.running.app.io.of('/').sockets.values()].at(-1)!;
    server.emit('queue:changed', { epoch: 'another-feed', seq: 1, added: [], changed: [], removed: [c.id] });
    await f.until(() => f.resyncs === 1);
    await inStep(f);
    expect(f.ids).toContain(c.id);
  });
});
