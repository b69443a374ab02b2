import type { Socket } from 'socket.io-client';
import { ChannelServer } from './channelServer';
import { createStaff, online, type Staff } from './consoleClient';
import { startTestApp, type RunningApp } from './testApp';

export interface AppWithChannel {
  running: RunningApp;
  channel: ChannelServer;
  /** Sockets the tests opened: disconnected before the app stops. */
  sockets: Socket[];
}

/**
 * For one describe block: a running app and a local Bot Framework channel (what the bot sends to `serviceUrl`),
 * started before its tests and stopped after them. Read the fields inside tests (they are set in beforeAll).
 */
export function appWithChannel(env?: Parameters<typeof startTestApp>[0], deps?: () => Promise<Parameters<typeof startTestApp>[1]>): AppWithChannel {
  const ctx = { sockets: [] as Socket[] } as AppWithChannel;
  beforeAll(async () => {
    ctx.running = await startTestApp(env, await deps?.());
    ctx.channel = await new ChannelServer().start();
  });
  afterAll(async () => {
    ctx.sockets.forEach((s) => s.disconnect());
    await ctx.running?.stop();
    await ctx.channel?.stop();
  });
  return ctx;
}

export interface AppWithAgent extends AppWithChannel {
  agent: Staff;
  /** The agent's console socket (online, so chats can be handed to them). */
  socket: Socket;
}

/** appWithChannel plus one agent online, with room for every chat the tests hand over. */
export function appWithAgent(env?: Parameters<typeof startTestApp>[0]): AppWithAgent {
  const ctx = appWithChannel(env) as AppWithAgent;
  beforeAll(async () => {
    ctx.agent = await createStaff(ctx.running.app, { capacity: 1_000_000 });
    ctx.socket = await online(ctx.running.app, ctx.running.url, ctx.agent);
    ctx.sockets.push(ctx.socket);
  });
  return ctx;
}
