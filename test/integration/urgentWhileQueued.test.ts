import { Chat } from '../helpers/chat';
import { appWithChannel } from '../helpers/appWithChannel';
import { connect, connected, createStaff, request } from '../helpers/consoleClient';
import { QueueFollower } from '../helpers/queueFollower';

/**
 * An outside tester, already waiting for a person, reported possible fraud: the report was answered but the chat kept
 * its priority, where the same report from a chat with the bot goes to a person with high priority and a note. Now
 * the waiting chat is made urgent through the handoff service: priority up (once per problem), a note for the agent,
 * the consoles' queue told, the customer told it is urgent (with no new place number: places told to others hold).
 */
describe('a problem reported while queued', () => {
  const t = appWithChannel();
  const handoff = () => t.running.app.services.handoff;
  const chat = () => new Chat(t.running, { serviceUrl: t.channel.url });
  const id = async (c: Chat) => (await c.conversation()).id;
  const standing = async (c: Chat) => (await handoff().queue()).map((q) => q.id).indexOf(await id(c)) + 1;
  const told = async (c: Chat) => (await c.conversation()).queueInfo?.lastNotice?.position;
  const places = (replies: string[]) => replies.flatMap((r) => /number (\d+) in the queue/.exec(r)?.[1] ?? []);

  /** A console signed in and away (offered nothing), following the queue over a real Socket.IO client. */
  async function watcher(): Promise<QueueFollower> {
    const staff = await createStaff(t.running.app, { name: 'Watcher' });
    const socket = connect(t.running.url, staff.token);
    t.sockets.push(socket);
    await connected(socket);
    expect((await request(socket, 'presence:set', { presence: 'away' })).ok).toBe(true);
    const f = new QueueFollower(socket);
    await f.fetch();
    return f;
  }

  test('fraud reported while waiting: priority up once, a note for the agent, the console told, places told to others kept', async () => {
    // One agent online, holding a chat to capacity: every other customer waits.
    const ann = await createStaff(t.running.app, { name: 'Ann', capacity: 1, languages: ['en'] });
    await t.running.app.store.updateUser(ann.id, { presence: 'online' });
    const held = chat();
    await held.say('I need a human');
    await handoff().claim(ann.id, await id(held));
    const follower = await watcher();

    const [first, second, third] = [chat(), chat(), chat()];
    for (const c of [first, second, third]) await c.say('i need a human');
    expect([await told(first), await told(second), await told(third)]).toEqual([1, 2, 3]);
    // The first gives up: the second (told 2) now stands 1, with a place of slack; the third stands 2 (told 3).
    expect((await first.say('I no longer need a person')).replies.join(' ')).toMatch(/withdrew your request/);
    expect([await standing(second), await standing(third)]).toEqual([1, 2]);
    const before = (await third.conversation()).priority;

    const turn = await third.say('someone used my account and placed an order I never made');
    const said = turn.replies.join(' ');
    expect(said).toMatch(/security matter/);
    expect(said).toMatch(/marked your request as urgent/);
    // No new place promised in that turn: a number told is a word the queue must keep.
    expect(places(turn.replies)).toEqual([]);
    expect(turn.lastButtons).toEqual(['Withdraw my request']);

    const raised = await third.conversation();
    expect(raised.state).toBe('queued');
    expect(raised.priority).toBe(before + 7);
    expect(raised.queueInfo?.urgent).toEqual(['account_misuse']);
    // It overtakes the chat with slack, and that chat still stands no later than the place it was told.
    expect(await standing(third)).toBe(1);
    expect(await standing(second)).toBe(2);
    expect(await told(second)).toBe(2);

    // The agent who takes it reads why: the change in the transcript and a note (never sent to the customer).
    const transcript = await t.running.app.store.listMessages(raised.id, { limit: 100 });
    expect(transcript.find((m) => m.kind === 'event' && m.data?.cause === 'priority_raised')?.data).toMatchObject({
      from: 'queued',
      to: 'queued',
      reason: 'policy_intent',
    });
    const note = transcript.find((m) => m.kind === 'note');
    expect(note?.text).toMatch(/possible fraud/);
    expect(t.channel.received.some((r) => String(r.activity.text ?? '').includes('possible fraud'))).toBe(false);

    // Consoles following the queue hold the new priority and order.
    await follower.until(() => follower.entries.get(raised.id)?.priority === raised.priority);
    expect(follower.ids.slice(0, 2)).toEqual([raised.id, await id(second)]);

    // The same report again raises nothing more.
    await third.say('I think it is fraud, I never placed that order');
    expect((await third.conversation()).priority).toBe(raised.priority);
    expect((await t.running.app.store.listMessages(raised.id, { limit: 100 })).filter((m) => m.kind === 'note')).toHaveLength(1);
  });

  test('a parcel shown delivered that never came, while waiting: made urgent too', async () => {
    const c = chat();
    await c.say('i need a human');
    const before = (await c.conversation()).priority;
    const turn = await c.say('the tracking says order 67890 was delivered but I never got it');
    expect(turn.replies.join(' ')).toMatch(/missing parcel/);
    expect(turn.replies.join(' ')).toMatch(/marked your request as urgent/);
    const after = await c.conversation();
    expect(after.priority).toBe(before + 4);
    expect(after.queueInfo?.urgent).toEqual(['missing_parcel']);
    const note = (await t.running.app.store.listMessages(after.id, { limit: 100 })).find((m) => m.kind === 'note');
    expect(note?.text).toMatch(/parcel shown delivered but not received, order 67890/);
  });
});
