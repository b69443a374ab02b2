import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { buildApp, trainRecognizer, type App } from '../app/app';
import { loadConfig } from '../core/config';
import { createLogger } from '../core/logger';
import { io as ioClient, type Socket } from 'socket.io-client';
import type { BenchOptions } from './benchArgs';

/** What every section of `npm run bench` gets: a scratch directory, the table and the JSON result it adds to. */
export interface BenchSink {
  dir: string;
  rows: [string, string, string][];
  results: Record<string, unknown>;
  options: BenchOptions;
}

export const log = createLogger('silent');

export { round, summary } from './benchStats';

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

export const section = (name: string) => process.stdout.write(`\n== ${name}\n`);

export async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/**
 * Load generators send far faster than people, all from one address: the per-conversation and per-address limits
 * would refuse most of their turns and connections.
 */
export const LOAD_GENERATOR_LIMITS = {
  RATE_LIMIT_CONVERSATION_MESSAGES: '1000000/1',
  RATE_LIMIT_IP_MESSAGES: '1000000/1',
  RATE_LIMIT_CONVERSATION_TYPING: '1000000/1',
  RATE_LIMIT_IP_TYPING: '1000000/1',
  RATE_LIMIT_IP_WEBCHAT_SESSIONS: '1000000/1',
  RATE_LIMIT_IP_HANDSHAKES: '1000000/1',
} as const;

export async function appOn(dir: string, env: Record<string, string> = {}): Promise<{ app: App; url: string }> {
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: path.join(dir, 'bench.sqlite'),
    NLU_MODEL_CACHE: path.join(dir, 'nlu.json'),
    ...LOAD_GENERATOR_LIMITS,
    ...env,
  });
  const app = await buildApp(config, log, { recognizer: await trainRecognizer(config) });
  return { app, url: await listen(app.httpServer) };
}

/** The JSON body of a customer's message as the bench's channel posts it; the bot answers to `channelUrl`. */
export function channelActivity(channelUrl: string, conv: string, text: string): string {
  return JSON.stringify({
    type: 'message',
    id: `${conv}-${text}`,
    channelId: 'bench',
    serviceUrl: channelUrl,
    conversation: { id: conv },
    from: { id: `u-${conv}` },
    recipient: { id: 'bot' },
    text,
  });
}

/** A customer's message to the bot endpoint of `url` as a channel posts it; the bot answers to `channelUrl`. */
export function channelPost(url: string, channelUrl: string): (conv: string, text: string) => Promise<ArrayBuffer> {
  return (conv, text) =>
    fetch(`${url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: channelActivity(channelUrl, conv, text) }).then((r) =>
      r.arrayBuffer(),
    );
}

/** `n` agents signed in and online on real sockets (capacity 3 each), for the relay sections. */
export async function agentsOnline(app: App, url: string, n: number, prefix: string): Promise<{ id: string; socket: Socket }[]> {
  const agents: { id: string; socket: Socket }[] = [];
  for (let i = 0; i < n; i++) {
    const user = await app.services.auth.createUser({
      email: `${prefix}${i}@bench.local`,
      name: `Agent ${i}`,
      password: 'bench-password-1',
      role: 'agent',
      capacity: 3,
    });
    const session = await app.services.auth.issue(user.id);
    const socket = ioClient(url, { auth: { token: app.services.auth.tokenFor(session) }, transports: ['websocket'] });
    await new Promise<void>((r) => socket.once('connect', () => r()));
    await socket.emitWithAck('presence:set', { presence: 'online' });
    agents.push({ id: user.id, socket });
  }
  return agents;
}
