import type { Socket } from 'socket.io-client';
import { messageActivity, post } from '../helpers/activities';
import { ChannelServer } from '../helpers/channelServer';
import { createStaff, nextEvent, online, request } from '../helpers/consoleClient';
import { startTestApp, type RunningApp } from '../helpers/testApp';

describe('inbox requests on real sockets: decline an offer, every open chat, settings', () => {
  let running: RunningApp;
  let channel: ChannelServer;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    running = await startTestApp({ OFFER_TIMEOUT_SECONDS: '45', MAX_MESSAGE_CHARS: '5000' });
    channel = await new ChannelServer().start();
  });
  afterAll(async () => {
    sockets.forEach((s) => s.disconnect());
    await running.stop();
    await channel.stop();
  });
  const connectAs = async (over: Parameters<typeof createStaff>[1] = {}) => {
    const staff = await createStaff(running.app, over);
    const socket = await online(running.app, running.url, staff);
    sockets.push(socket);
    return { ...staff, socket };
  };

  test('the offered agent declines: the chat is offered to the other agent at once; nobody else may decline it', async () => {
    const a = await connectAs({ name: 'Ann' });
    const b = await connectAs({ name: 'Ben' });
    await post(running.url, messageActivity({ conversation: { id: 'decline-1' }, text: 'talk to a human', serviceUrl: channel.url, deliveryMode: undefined }));
    const c = (await running.app.store.findConversationByChannel('test', 'decline-1'))!;
    const first = c.queueInfo!.offeredTo.at(-1)!;
    const [holder, other] = first === a.id ? [a, b] : [b, a];

    const refused = await request(other.socket, 'offer:decline', { conversationId: c.id });
    expect(refused).toMatchObject({ ok: false, error: { code: 'HANDOFF_NOT_FOUND' } });

    const offered = nextEvent<{ conversation: { id: string; queueInfo: { offeredTo: string[] } } }>(
      other.socket,
      'conversation:offered',
      (p) => p.conversation.id === c.id,
    );
    const declined = await request(holder.socket, 'offer:decline', { conversationId: c.id });
    expect(declined).toEqual({ ok: true, data: { offeredTo: other.id } });
    expect((await offered).conversation.queueInfo.offeredTo).toEqual([holder.id, other.id]);
    expect((await request(holder.socket, 'offer:decline', { conversationId: c.id })).error?.code).toBe('HANDOFF_NOT_FOUND');
  });

  test('inbox:all lists queued and held chats for supervisors and is refused to agents', async () => {
    const agent = await connectAs();
    const sup = await connectAs({ role: 'supervisor' });
    await post(running.url, messageActivity({ conversation: { id: 'all-1' }, text: 'talk to a human', serviceUrl: channel.url, deliveryMode: undefined }));
    await post(
      running.url,
      messageActivity({
        conversation: { id: 'all-2' },
        from: { id: 'u-all-2', name: 'Held Hilda' },
        text: 'talk to a human',
        serviceUrl: channel.url,
        deliveryMode: undefined,
      }),
    );
    const held = (await running.app.store.findConversationByChannel('test', 'all-2'))!;
    expect((await request(agent.socket, 'conversation:claim', { conversationId: held.id })).ok).toBe(true);

    expect((await request(agent.socket, 'inbox:all', {})).error?.code).toBe('FORBIDDEN');
    const all = await request<{ conversations: { id: string }[] }>(sup.socket, 'inbox:all', {});
    const byId = new Map(all.data!.conversations.map((x) => [x.id, x]));
    expect(byId.get(held.id)).toMatchObject({ state: 'agent', agentId: agent.id, customerName: 'Held Hilda' });
    expect(byId.get((await running.app.store.findConversationByChannel('test', 'all-1'))!.id)).toMatchObject({ state: 'queued' });
  });

  test('settings: the offer timeout and longest message from configuration, service levels set by supervisors only, pushed to every console, audited', async () => {
    const agent = await connectAs();
    const sup = await connectAs({ role: 'supervisor' });
    expect(await request(agent.socket, 'settings:get', {})).toEqual({
      ok: true,
      data: { offerTimeoutSeconds: 45, serviceLevels: { firstResponseSeconds: 120, nextResponseSeconds: 300 }, maxMessageChars: 5000 },
    });
    expect((await request(agent.socket, 'settings:set', { serviceLevels: { firstResponseSeconds: 60, nextResponseSeconds: 90 } })).error?.code).toBe(
      'FORBIDDEN',
    );
    expect((await request(sup.socket, 'settings:set', { serviceLevels: { firstResponseSeconds: 1, nextResponseSeconds: 90 } })).error?.code).toBe(
      'VALIDATION_FAILED',
    );
    expect((await request(sup.socket, 'settings:set', { serviceLevels: { firstResponseSeconds: 60, nextResponseSeconds: 90 }, extra: 1 })).error?.code).toBe(
      'VALIDATION_FAILED',
    );

    const pushed = nextEvent<{ serviceLevels: unknown }>(agent.socket, 'settings:updated');
    const saved = await request<{ serviceLevels: unknown }>(sup.socket, 'settings:set', {
      serviceLevels: { firstResponseSeconds: 60, nextResponseSeconds: 90 },
    });
    expect(saved.data?.serviceLevels).toEqual({ firstResponseSeconds: 60, nextResponseSeconds: 90 });
    expect((await pushed).serviceLevels).toEqual({ firstResponseSeconds: 60, nextResponseSeconds: 90 });
    expect((await request<{ serviceLevels: unknown }>(agent.socket, 'settings:get', {})).data?.serviceLevels).toEqual({
      firstResponseSeconds: 60,
      nextResponseSeconds: 90,
    });
    expect(await running.app.store.listAudit({ action: 'console.settings' })).toEqual([expect.objectContaining({ actorId: sup.id })]);
  });
});
