import type { Socket } from 'socket.io-client';
import type { SocialReplyTarget } from '../../bot/socialChannel';
import type { Message } from '../../models/records';
import { messageActivity, post } from '../helpers/activities';
import { ChannelServer } from '../helpers/channelServer';
import { createStaff, nextEvent, online, request, type Staff } from '../helpers/consoleClient';
import { startTestApp, type RunningApp } from '../helpers/testApp';

interface Viewers {
  conversationId: string;
  viewers: { userId: string; name: string }[];
}

/** Typing to the customer, collision signals, takeover told, reassignment and mention replies: real app, real sockets, a local channel. */
describe('console live collaboration', () => {
  let running: RunningApp;
  let channel: ChannelServer;
  const posted: { target: SocialReplyTarget; text: string }[] = [];
  const sockets: Socket[] = [];
  beforeAll(async () => {
    channel = await new ChannelServer().start();
    running = await startTestApp(
      { OFFER_TIMEOUT_SECONDS: '300', MENTIONS_API_KEY: 'listening-tool-key-0123456789' },
      {
        social: {
          reply: (target, text) => {
            posted.push({ target, text });
            return Promise.resolve();
          },
        },
      },
    );
  });
  afterAll(async () => {
    sockets.forEach((s) => s.disconnect());
    await running.stop();
    await channel.stop();
  });

  const says = (conv: string, text: string) =>
    post(
      running.url,
      messageActivity({ conversation: { id: conv }, from: { id: `c-${conv}`, name: 'Cleo' }, text, serviceUrl: channel.url, deliveryMode: undefined }),
    );
  const staff = async (over: Parameters<typeof createStaff>[1]): Promise<Staff & { socket: Socket }> => {
    const s = await createStaff(running.app, over);
    const socket = await online(running.app, running.url, s);
    sockets.push(socket);
    return { ...s, socket };
  };
  /** A chat from the channel, queued, and held by `agent`. */
  async function heldChat(conv: string, agent: Staff): Promise<string> {
    await says(conv, 'I want to talk to a human');
    await channel.waitForText(conv, /in the queue|No agent/);
    const c = (await running.app.store.findConversationByChannel('test', conv))!;
    await running.app.services.handoff.claim(agent.id, c.id);
    return c.id;
  }
  const typings = (conv: string) => channel.received.filter((r) => r.conversationId === conv && r.activity.type === 'typing').length;

  test("the owner's typing reaches the customer's channel at most once per interval per chat; nobody else's does, notes never", async () => {
    const ann = await staff({ name: 'Ann Owner', capacity: 5 });
    const ben = await staff({ name: 'Ben Other', capacity: 5 });
    const id = await heldChat('typing-1', ann);
    const handoff = running.app.services.handoff;
    // The bot's own turns may have sent typing before: count from here (handoff.typing awaits the channel).
    const base = typings('typing-1');
    // Many keystrokes within one interval: one typing activity.
    const t0 = Date.now();
    for (let i = 0; i < 5; i++) await handoff.typing(ann.id, id, t0 + i * 100);
    expect(typings('typing-1') - base).toBe(1);
    // A new interval: one more.
    await handoff.typing(ann.id, id, t0 + 60_000);
    expect(typings('typing-1') - base).toBe(2);
    // Someone who does not hold the chat (and may not see it): refused like a chat that does not exist, nothing sent.
    expect((await request(ben.socket, 'typing:start', { conversationId: id })).error?.code).toBe('HANDOFF_NOT_FOUND');
    // A note being written shows to colleagues, never on the channel.
    const sup = await staff({ name: 'Sia Lead', role: 'supervisor' });
    expect((await request(sup.socket, 'conversation:join', { conversationId: id })).ok).toBe(true);
    const seen = nextEvent<{ from: string; userId?: string; internal?: boolean }>(ann.socket, 'typing', (p) => p.userId === sup.id);
    expect((await request(sup.socket, 'note:typing', { conversationId: id })).ok).toBe(true);
    expect(await seen).toMatchObject({ from: 'agent', userId: sup.id, internal: true });
    // Ben may not watch a chat Ann holds: he cannot signal on it either.
    expect((await request(ben.socket, 'note:typing', { conversationId: id })).error?.code).toBe('HANDOFF_NOT_FOUND');
    await new Promise((r) => setTimeout(r, 100));
    expect(typings('typing-1') - base).toBe(2);
  });

  test('collision signals: who has the chat open reaches those who may watch it, and clears when they leave or disconnect', async () => {
    const ann = await staff({ name: 'Ann Viewer', capacity: 5 });
    const outsider = await staff({ name: 'Oscar Outsider', capacity: 5 });
    const id = await heldChat('collide-1', ann);
    const sam = await staff({ name: 'Sam Supervisor', role: 'supervisor' });
    expect((await request(ann.socket, 'chat:viewing', { conversationId: id })).ok).toBe(true);
    let outsiderHeard = 0;
    outsider.socket.on('chat:viewers', () => outsiderHeard++);
    // An agent may not view a chat someone else holds.
    expect((await request(outsider.socket, 'chat:viewing', { conversationId: id })).error?.code).toBe('HANDOFF_NOT_FOUND');

    const annSeesSam = nextEvent<Viewers>(ann.socket, 'chat:viewers', (p) => p.viewers.some((v) => v.name === 'Sam Supervisor'));
    const r = await request<{ viewers: Viewers['viewers'] }>(sam.socket, 'chat:viewing', { conversationId: id });
    expect(r.data?.viewers.map((v) => v.name).sort()).toEqual(['Ann Viewer', 'Sam Supervisor']);
    expect((await annSeesSam).viewers.map((v) => v.name).sort()).toEqual(['Ann Viewer', 'Sam Supervisor']);

    // Sam types a whisper: Ann sees who.
    const typing = nextEvent<{ userId?: string }>(ann.socket, 'typing', (p) => p.userId === sam.id);
    await request(sam.socket, 'note:typing', { conversationId: id });
    expect((await typing).userId).toBe(sam.id);

    // Sam looks elsewhere: cleared.
    const left = nextEvent<Viewers>(ann.socket, 'chat:viewers', (p) => !p.viewers.some((v) => v.name === 'Sam Supervisor'));
    await request(sam.socket, 'chat:viewing', { conversationId: null });
    expect((await left).viewers.map((v) => v.name)).toEqual(['Ann Viewer']);

    // Back, then disconnected: cleared too.
    await request(sam.socket, 'chat:viewing', { conversationId: id });
    const gone = nextEvent<Viewers>(ann.socket, 'chat:viewers', (p) => p.viewers.length === 1);
    sam.socket.disconnect();
    expect((await gone).viewers.map((v) => v.name)).toEqual(['Ann Viewer']);
    expect(outsiderHeard).toBe(0);
  });

  test("a takeover tells the customer a colleague continues, in the customer's language; the agent learns who", async () => {
    const ann = await staff({ name: 'Ann Taken', capacity: 5 });
    const id = await heldChat('takeover-1', ann);
    const sue = await staff({ name: 'Sue Lead', role: 'supervisor' });
    const released = nextEvent<{ conversationId: string; reason: string; takenOverBy?: string }>(ann.socket, 'conversation:released');
    expect((await request(sue.socket, 'conversation:takeover', { conversationId: id })).ok).toBe(true);
    expect(await released).toEqual({ conversationId: id, reason: 'taken_over', takenOverBy: sue.id });
    await channel.waitForText('takeover-1', /My colleague Sue Lead continues this chat with you/);

    // Spanish: the sentence from locale/ in Spanish.
    await says('takeover-es', 'hola, quiero hablar con una persona');
    await channel.waitFor((r) => r.conversationId === 'takeover-es' && r.activity.type === 'message');
    const es = (await running.app.store.findConversationByChannel('test', 'takeover-es'))!;
    await running.app.store.updateConversation(es.id, { language: 'es' });
    if ((await running.app.store.getConversation(es.id))!.state !== 'queued')
      await running.app.services.handoff.escalate(es.id, { reason: 'customer_asked', detail: 'test', priorityBoost: 0 });
    await running.app.services.handoff.claim(ann.id, es.id);
    await request(sue.socket, 'conversation:takeover', { conversationId: es.id });
    await channel.waitForText('takeover-es', /Mi compañero Sue Lead continúa este chat contigo/);
  });

  test('a supervisor reassigns a held chat to an agent: the chat moves, the former agent is told and stops receiving it; agents may not reassign', async () => {
    const ann = await staff({ name: 'Ann From', capacity: 5 });
    const bob = await staff({ name: 'Bob To', capacity: 5 });
    const full = await staff({ name: 'Fay Full', capacity: 0 });
    const id = await heldChat('reassign-1', ann);
    const sue = await staff({ name: 'Sue Mover', role: 'supervisor' });
    expect((await request(ann.socket, 'conversation:join', { conversationId: id })).ok).toBe(true);

    expect((await request(ann.socket, 'conversation:reassign', { conversationId: id, toAgentId: bob.id })).error?.code).toBe('FORBIDDEN');
    expect((await request(sue.socket, 'conversation:reassign', { conversationId: id, toAgentId: full.id })).error?.code).toBe('HANDOFF_AT_CAPACITY');
    expect((await request(sue.socket, 'conversation:reassign', { conversationId: id })).error?.code).toBe('VALIDATION_FAILED');

    const released = nextEvent<{ reason: string; reassignedBy?: string }>(ann.socket, 'conversation:released');
    const assigned = nextEvent<{ conversation: { id: string } }>(bob.socket, 'conversation:assigned');
    const r = await request<{ conversation: { state: string; agentId: string } }>(sue.socket, 'conversation:reassign', {
      conversationId: id,
      toAgentId: bob.id,
    });
    expect(r.data?.conversation).toMatchObject({ state: 'agent', agentId: bob.id });
    expect(await released).toEqual({ conversationId: id, reason: 'reassigned', reassignedBy: sue.id, reassignedTo: bob.id });
    expect((await assigned).conversation.id).toBe(id);
    await channel.waitForText('reassign-1', /Bob To from our team has joined the chat/);

    // Ann no longer receives the chat's messages; Bob does.
    const annGot: Message[] = [];
    ann.socket.on('message:new', (p: { conversationId: string; message: Message }) => p.conversationId === id && annGot.push(p.message));
    const bobGets = nextEvent<{ message: Message }>(bob.socket, 'message:new', (p) => p.message.text === 'still there?');
    await says('reassign-1', 'still there?');
    await bobGets;
    expect(annGot).toEqual([]);
    // She may still read it; acting on it answers that a supervisor reassigned it (reassignOutcomes.test.ts has the rest).
    expect((await request(ann.socket, 'message:send', { conversationId: id, text: 'hi', clientMessageId: 'x1' })).error?.code).toBe('HANDOFF_REASSIGNED');
    const audit = await running.app.store.listAudit({ action: 'chat.reassign', targetId: id });
    expect(audit[0]).toMatchObject({ actorId: sue.id, data: { fromAgentId: ann.id, toAgentId: bob.id } });

    // To a skill group (one an agent has: a group nobody has is refused): back in the queue with that skill, Bob released.
    await staff({ name: 'Bea Billing', capacity: 5, skills: ['billing'] });
    const bobReleased = nextEvent<{ reason: string }>(bob.socket, 'conversation:released');
    const q = await request<{ conversation: { state: string; skill?: string } }>(sue.socket, 'conversation:reassign', { conversationId: id, skill: 'billing' });
    expect(q.data?.conversation).toMatchObject({ state: 'queued', skill: 'billing' });
    expect((await bobReleased).reason).toBe('reassigned');
  });

  test('a social-mention chat is answered from the console through the social port, never the Bot Framework connector', async () => {
    const ann = await staff({ name: 'Ann Social', capacity: 5 });
    const res = await fetch(`${running.url}/api/mentions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'listening-tool-key-0123456789' },
      body: JSON.stringify({ network: 'x', handle: '@LoudVoice', text: 'Terrible service, my order never arrived. Worst shop ever!', reach: 500_000 }),
    });
    const { conversationId } = (await res.json()) as { conversationId: string };
    expect((await request(ann.socket, 'conversation:claim', { conversationId })).ok).toBe(true);
    const before = channel.received.length;
    const sent = await request<{ message: Message }>(ann.socket, 'message:send', {
      conversationId,
      text: 'Sorry! Please DM us your order number.',
      clientMessageId: 'm-1',
    });
    expect(sent.ok).toBe(true);
    expect(posted.find((p) => p.text === 'Sorry! Please DM us your order number.')?.target).toMatchObject({ network: 'x', conversationId });
    // Typing has no public equivalent: nothing posted, nothing sent elsewhere.
    expect((await request(ann.socket, 'typing:start', { conversationId })).ok).toBe(true);
    expect(channel.received.length).toBe(before);
    expect(posted.filter((p) => p.target.conversationId === conversationId).map((p) => p.text)).toContain('Sorry! Please DM us your order number.');
  });
});
