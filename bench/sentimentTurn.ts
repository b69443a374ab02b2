import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import type { ProfileService } from '../profile/profileService';
import type { SqliteStore } from '../store/sqliteStore';
import { median, round } from './benchKit';

/**
 * The store and profile part of a returning customer's bot turn, two builds side by side (issue 19): `node
 * dist/bench/sentimentTurn.js DIST_A DIST_B [ROUNDS] [HISTORY]`. Each build's own SqliteStore (default settings,
 * fsync on) and ProfileService serve what a known customer's turn does: readTurn, the profile's count of the message
 * (ProfileService.recordMessage against the customer the turn read, as bot/supportBot.ts does), the customer's
 * message, the bot's reply, the dialog state, sync. Unlike bench/storeTurn.ts, the customers come back: each holds
 * HISTORY sentiment points (default 200, the cap) before the rounds start, so the customer read and its append are
 * what they are for a customer who wrote before (every round adds 20 points to each; with HISTORY 0, new customers
 * come each round instead). Alternating rounds of 1,000 turns, 50 customers in flight; prints
 * the process CPU and the GC pause time per turn of each, and the median of the per-round CPU ratios.
 */
const TURNS = 1000;
const IN_FLIGHT = 50;

type Modules = {
  store: { SqliteStore: new (file: string) => SqliteStore };
  profiles: { ProfileService: new (store: SqliteStore) => ProfileService };
};

let gcMs = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcMs += e.duration;
}).observe({ entryTypes: ['gc'] });

async function open(dist: string, dir: string, history: number): Promise<{ round: () => Promise<{ cpu: number; gc: number }>; close: () => Promise<void> }> {
  const m: Modules = {
    store: (await import(path.resolve(dist, 'store', 'sqliteStore'))) as Modules['store'],
    profiles: (await import(path.resolve(dist, 'profile', 'profileService'))) as Modules['profiles'],
  };
  const store = new m.store.SqliteStore(path.join(dir, 'store.sqlite'));
  await store.init();
  const profiles = new m.profiles.ProfileService(store);
  let customers: { userId: string; channelConversationId: string }[] = [];
  const start = Date.UTC(2026, 0, 1);
  let clock = 0;
  const now = () => new Date(start + ++clock * 1000).toISOString();
  let generation = 0;
  const seed = async () => {
    generation++;
    customers = [];
    for (let i = 0; i < IN_FLIGHT; i++) {
      const userId = `u${generation}-${i}`;
      const channelConversationId = `c${generation}-${i}`;
      let c = await profiles.resolve({ channelId: 'bench', userId, name: `Customer ${i}` });
      const { conversation } = await store.getOrCreateConversation({
        channelId: 'bench',
        channelConversationId,
        customerId: c.id,
        reference: { channelId: 'bench', serviceUrl: 'http://127.0.0.1:9', conversation: { id: channelConversationId } },
      });
      // The history a returning customer brings, written as their earlier messages wrote it.
      for (let k = 0; k < history; k++)
        c = await profiles.recordMessage(c.id, { sentiment: Math.sin(k) / 2, conversationId: conversation.id, at: now(), newConversation: false }, c);
      customers.push({ userId, channelConversationId });
    }
  };
  await seed();
  const deferred = { deferSync: true };
  const turn = async (k: number) => {
    const { userId, channelConversationId } = customers[k % IN_FLIGHT];
    const stateKey = `bench/conversations/${channelConversationId}`;
    const read = await store.readTurn({
      key: { kind: 'channel', channelId: 'bench', userId },
      channelId: 'bench',
      channelConversationId,
      stateKeys: [stateKey],
    });
    const customer = read.customer!;
    const conversationId = read.conversation!.id;
    const { message } = await store.appendMessage(
      {
        conversationId,
        role: 'customer',
        authorId: customer.id,
        text: 'where is my order 12345',
        intent: 'order.track',
        score: 1,
        sentiment: -0.25,
        language: 'en',
        activityId: `a${k}-${generation}`,
      },
      deferred,
    );
    await profiles.recordMessage(customer.id, { sentiment: -0.25, conversationId, at: message.createdAt, newConversation: false }, customer, deferred);
    await store.appendMessage({ conversationId, role: 'bot', text: 'Your order 12345 was shipped on Monday; it should arrive on Friday.' }, deferred);
    await store.writeState(stateKey, { dialogState: { dialogStack: [] }, turn: k }, read.state[stateKey]?.etag, deferred);
    await store.sync();
  };
  return {
    round: async () => {
      // HISTORY 0: new customers each round (at most 20 points each by its end), as bench/storeTurn.ts brings them.
      if (history === 0) await seed();
      let next = 0;
      const gcBefore = gcMs;
      const before = process.cpuUsage();
      await Promise.all(
        Array.from({ length: IN_FLIGHT }, async () => {
          for (let k = next++; k < TURNS; k = next++) await turn(k);
        }),
      );
      const used = process.cpuUsage(before);
      return { cpu: (used.user + used.system) / TURNS, gc: ((gcMs - gcBefore) * 1000) / TURNS };
    },
    close: () => store.close(),
  };
}

async function main(): Promise<void> {
  const [a, b, roundsArg, historyArg] = process.argv.slice(2);
  if (!a || !b) {
    process.stderr.write('usage: node dist/bench/sentimentTurn.js DIST_A DIST_B [ROUNDS] [HISTORY]\n');
    process.exit(2);
  }
  const rounds = Number(roundsArg ?? 10);
  const history = Number(historyArg ?? 200);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'sentiment-turn-'));
  const builds = [await open(a, fs.mkdtempSync(path.join(scratch, 'a-')), history), await open(b, fs.mkdtempSync(path.join(scratch, 'b-')), history)];
  try {
    for (const x of builds) await x.round(); // JIT and caches warm before anything counts
    const cpu: number[][] = [[], []];
    const gc: number[][] = [[], []];
    for (let r = 0; r < rounds; r++) {
      for (const i of r % 2 ? [1, 0] : [0, 1]) {
        const got = await builds[i].round();
        cpu[i].push(got.cpu);
        gc[i].push(got.gc);
      }
      process.stdout.write(
        `round ${r + 1}: A ${round(cpu[0][r], 1)} µs/turn (GC ${round(gc[0][r], 1)}), B ${round(cpu[1][r], 1)} µs/turn (GC ${round(gc[1][r], 1)}), B/A ${round(cpu[1][r] / cpu[0][r], 3)}\n`,
      );
    }
    const ratios = cpu[0].map((x, i) => cpu[1][i] / x).sort((x, y) => x - y);
    const side = (i: number, dist: string) => ({ dist, cpuPerTurnUs: round(median(cpu[i]), 1), gcPerTurnUs: round(median(gc[i]), 1) });
    process.stdout.write(
      `${JSON.stringify({ history, a: side(0, a), b: side(1, b), ratio: round(median(ratios), 3), spread: [round(ratios[0], 3), round(ratios[ratios.length - 1], 3)], loadAverage: os.loadavg().map((l) => round(l, 1)) })}\n`,
    );
  } finally {
    for (const x of builds) await x.close();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

void main();
