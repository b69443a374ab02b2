import { appWithChannel } from '../helpers/appWithChannel';
import { Chat } from '../helpers/chat';
import { createStaff, online, request } from '../helpers/consoleClient';
import { OWN_SWEEP_OFF } from '../helpers/testApp';

/**
 * An outside tester (L4): a new chat told "you are number 2" can be offered to the free agent first while the older
 * chat cools down for that agent (who passed on it). That customer is served sooner than told, which is fine for
 * them; the customers told smaller numbers must keep them. They did, until the chat served out of turn came back to the
 * queue (its agent went offline): a returned chat went to the head, ahead of every place told, and so ahead of the
 * older chat it had been behind. A returned chat now goes ahead only of places told while it was being served.
 */
describe('a chat served out of turn while older ones cool down', () => {
  const t = appWithChannel({ QUEUE_SWEEP_SECONDS: OWN_SWEEP_OFF });
  const handoff = () => t.running.app.services.handoff;
  const chat = () => new Chat(t.running, { serviceUrl: t.channel.url });
  const id = async (c: Chat) => (await c.conversation()).id;
  const standing = async (c: Chat) => (await handoff().queue()).map((q) => q.id).indexOf(await id(c)) + 1;
  const told = async (c: Chat) => (await c.conversation()).queueInfo?.lastNotice?.position;
  const places = (replies: string[]) => replies.flatMap((r) => /number (\d+) in the queue/.exec(r)?.[1] ?? []).map(Number);
  const offeredTo = async (c: Chat) => (await c.conversation()).queueInfo?.offeredTo.at(-1);

  test('the others keep the places they were told, also when the chat served first comes back', async () => {
    const ann = await createStaff(t.running.app, { name: 'Ann', capacity: 1, languages: ['en'] });
    const annSocket = await online(t.running.app, t.running.url, ann);
    t.sockets.push(annSocket);

    const older = chat();
    expect(places((await older.say('i need a human')).replies)).toEqual([1]);
    expect(await offeredTo(older)).toBe(ann.id);
    // Ann passes on it: it cools down for her (OFFER_COOLDOWN_SECONDS) and keeps its place.
    expect((await request(annSocket, 'offer:decline', { conversationId: await id(older) })).ok).toBe(true);

    // A newer chat is told number 2 and offered to Ann at once (she is free, and not cooling down for it).
    const newer = chat();
    expect(places((await newer.say('i need a human')).replies)).toEqual([2]);
    expect(await offeredTo(newer)).toBe(ann.id);
    expect(await standing(older)).toBe(1);
    expect((await request(annSocket, 'conversation:claim', { conversationId: await id(newer) })).ok).toBe(true);
    // Served sooner than told: fine for that customer; the older one still stands first, as told.
    expect(await told(older)).toBe(1);
    expect(await standing(older)).toBe(1);

    // Bea comes online and passes on the older chat too; Ann goes offline holding the newer one, which returns.
    const bea = await createStaff(t.running.app, { name: 'Bea', capacity: 1, languages: ['en'] });
    const beaSocket = await online(t.running.app, t.running.url, bea);
    t.sockets.push(beaSocket);
    expect(await offeredTo(older)).toBe(bea.id);
    expect((await request(beaSocket, 'offer:decline', { conversationId: await id(older) })).ok).toBe(true);
    expect((await request(annSocket, 'presence:set', { presence: 'offline' })).ok).toBe(true);
    expect((await newer.conversation()).state).toBe('queued');

    // The older customer was told number 1 before the newer chat was taken: they still stand first.
    expect(await standing(older)).toBe(1);
    expect(await standing(newer)).toBe(2);
    expect(places((await older.say('what is my place in the queue?')).replies)).toEqual([1]);
    // Nobody stands behind the place they were told; the returned customer was told where they stand now.
    for (const q of await handoff().queue()) {
      const word = q.queueInfo?.lastNotice?.position;
      if (word !== undefined) expect((await handoff().queue()).findIndex((x) => x.id === q.id) + 1).toBeLessThanOrEqual(word);
    }
    expect(await told(newer)).toBe(2);
  });
});
