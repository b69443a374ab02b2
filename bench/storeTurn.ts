import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SqliteStore } from '../store/sqliteStore';
import { median, round } from './benchKit';

/**
 * The embedded store's part of a bot turn, two builds side by side: `node dist/bench/storeTurn.js DIST_A DIST_B
 * [ROUNDS]`. Each build's own SqliteStore (default settings, fsync on) serves the store calls a known customer's turn
 * makes (readTurn, the customer's message, the bot's reply, the dialog state, sync) for 50 customers in flight, in
 * alternating rounds of 1,000 turns; prints the process CPU per turn of each and the median of the per-round ratios.
 * CPU, not wall time: on a shared machine it is the steadier figure. The bot section measures the whole turn.
 */
const TURNS = 1000;
const IN_FLIGHT = 50;

type StoreModule = { SqliteStore: new (file: string) => SqliteStore };

async function open(dist: string, dir: string): Promise<{ round: () => Promise<number>; close: () => Promise<void> }> {
  const { SqliteStore: Store } = (await import(path.resolve(dist, 'store', 'sqliteStore'))) as StoreModule;
  const store = new Store(path.join(dir, 'store.sqlite'));
  await store.init();
  let generation = 0;
  let customers: { userId: string; channelConversationId: string }[] = [];
  // New customers each round, as the bot section's load generator brings them.
  const fresh = async () => {
    generation++;
    customers = [];
    for (let i = 0; i < IN_FLIGHT; i++) {
      const userId = `u${generation}-${i}`;
      const channelConversationId = `c${generation}-${i}`;
      const c = await store.createCustomer({ identities: [{ channelId: 'bench', userId, verified: false, addedAt: new Date().toISOString() }] });
      await store.getOrCreateConversation({
        channelId: 'bench',
        channelConversationId,
        customerId: c.id,
        reference: { channelId: 'bench', serviceUrl: 'http://127.0.0.1:9', conversation: { id: channelConversationId } },
      });
      customers.push({ userId, channelConversationId });
    }
  };
  const turn = async (k: number) => {
    const { userId, channelConversationId } = customers[k % IN_FLIGHT];
    const stateKey = `bench/conversations/${channelConversationId}`;
    const read = await store.readTurn({
      key: { kind: 'channel', channelId: 'bench', userId },
      channelId: 'bench',
      channelConversationId,
      stateKeys: [stateKey],
    });
    const deferred = { deferSync: true };
    const conversationId = read.conversation!.id;
    await store.appendMessage(
      {
        conversationId,
        role: 'customer',
        authorId: read.customer!.id,
        text: 'where is my order 12345',
        intent: 'order.track',
        score: 1,
        sentiment: 0,
        language: 'en',
        activityId: `a${k}-${generation}`,
      },
      deferred,
    );
    await store.appendMessage({ conversationId, role: 'bot', text: 'Your order 12345 was shipped on Monday; it should arrive on Friday.' }, deferred);
    await store.writeState(stateKey, { dialogState: { dialogStack: [] }, turn: k }, read.state[stateKey]?.etag, deferred);
    await store.sync();
  };
  return {
    round: async () => {
      await fresh();
      let next = 0;
      const before = process.cpuUsage();
      await Promise.all(
        Array.from({ length: IN_FLIGHT }, async () => {
          for (let k = next++; k < TURNS; k = next++) await turn(k);
        }),
      );
      const used = process.cpuUsage(before);
      return (used.user + used.system) / TURNS;
    },
    close: () => store.close(),
  };
}

async function main(): Promise<void> {
  const [a, b, roundsArg] = process.argv.slice(2);
  if (!a || !b) {
    process.stderr.write('usage: node dist/bench/storeTurn.js DIST_A DIST_B [ROUNDS]\n');
    process.exit(2);
  }
  const rounds = Number(roundsArg ?? 10);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'store-turn-'));
  const builds = [await open(a, fs.mkdtempSync(path.join(scratch, 'a-'))), await open(b, fs.mkdtempSync(path.join(scratch, 'b-')))];
  try {
    for (const x of builds) await x.round(); // JIT and caches warm before anything counts
    const cpu: number[][] = [[], []];
    for (let r = 0; r < rounds; r++) {
      for (const i of r % 2 ? [1, 0] : [0, 1]) cpu[i].push(await builds[i].round());
      process.stdout.write(`round ${r + 1}: A ${round(cpu[0][r], 1)} µs/turn, B ${round(cpu[1][r], 1)} µs/turn, B/A ${round(cpu[1][r] / cpu[0][r], 3)}\n`);
    }
    const ratios = cpu[0].map((x, i) => cpu[1][i] / x).sort((x, y) => x - y);
    process.stdout.write(
      `${JSON.stringify({ a: { dist: a, cpuPerTurnUs: round(median(cpu[0]), 1) }, b: { dist: b, cpuPerTurnUs: round(median(cpu[1]), 1) }, ratio: round(median(ratios), 3), spread: [round(ratios[0], 3), round(ratios[ratios.length - 1], 3)], loadAverage: os.loadavg().map((l) => round(l, 1)) })}\n`,
    );
  } finally {
    for (const x of builds) await x.close();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

void main();
