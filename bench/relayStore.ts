import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { SqliteStore } from '../store/sqliteStore';
import { median, round } from './benchKit';

/**
 * The embedded store's part of a relayed customer message, two builds side by side: `node dist/bench/relayStore.js
 * DIST_A DIST_B [ROUNDS]`. Each build's own SqliteStore (default settings, fsync on) holds 200 chats held by agents,
 * each with a history of HISTORY messages, and serves, one relay at a time as bench/relayBench.ts sends them, the
 * store calls of a held chat's customer message: the turn's read, the message (deferred), the profile's count
 * (deferred), sync, then the console push's read of the chat and the holder's presence. Alternating rounds of
 * RELAYS relays; per build: process CPU per relay (every thread: the fsyncs, checkpoints and upkeep too), the median
 * main-thread time inside the two writes (their statements; the commit comes later), WAL pages per relay commit (the WAL-index header's mxFrame, read
 * from the -shm file before the first write and after sync), and, with `--pages`, which b-trees those pages belong to
 * (the frames' page numbers looked up in dbstat).
 */
const HELD = 200;
const RELAYS = 1000;
const HISTORY = 20;
const TEXTS = ['can you check it again please', 'thanks, that helps', 'it still says pending', 'no that is not what I ordered', 'ok'];

type StoreModule = { SqliteStore: new (file: string) => SqliteStore };
type Header = { mxFrame: number; salt: string };

/** The WAL-index header (sqlite.org/walformat.html): mxFrame at 16, the salts at 32; native byte order. */
function walHeader(fd: number, buf: Buffer): Header {
  fs.readSync(fd, buf, 0, 48, 0);
  return { mxFrame: os.endianness() === 'LE' ? buf.readUInt32LE(16) : buf.readUInt32BE(16), salt: buf.subarray(32, 40).toString('hex') };
}

async function open(dist: string, dir: string, pages: boolean) {
  const { SqliteStore: Store } = (await import(path.resolve(dist, 'store', 'sqliteStore.js'))) as StoreModule;
  const file = path.join(dir, 'store.sqlite');
  const store = new Store(file);
  await store.init();
  const agents: string[] = [];
  for (let i = 0; i < 67; i++)
    agents.push((await store.createUser({ email: `agent${i}@bench.test`, name: `Agent ${i}`, role: 'agent', skills: [], languages: ['en'] } as never)).id);
  const chats: { userId: string; channelConversationId: string; customerId: string; version: number; recent: number[]; n: number }[] = [];
  for (let i = 0; i < HELD; i++) {
    const userId = `u${i}`;
    const channelConversationId = `c${i}`;
    const c = await store.createCustomer({ identities: [{ channelId: 'bench', userId, verified: false, addedAt: new Date().toISOString() }] });
    const { conversation } = await store.getOrCreateConversation({
      channelId: 'bench',
      channelConversationId,
      customerId: c.id,
      reference: { channelId: 'bench', serviceUrl: 'http://127.0.0.1:9', conversation: { id: channelConversationId } },
    });
    for (let k = 0; k < HISTORY; k++)
      await store.appendMessage({
        conversationId: conversation.id,
        role: k % 2 ? 'agent' : 'customer',
        text: TEXTS[k % TEXTS.length],
        activityId: `h${i}-${k}`,
      });
    await store.claimConversation({ conversationId: conversation.id, agentId: agents[i % agents.length], fromStates: ['bot'], maxActive: 10 });
    chats.push({ userId, channelConversationId, customerId: c.id, version: c.version, recent: [], n: 0 });
  }
  await store.sync();
  const shm = fs.openSync(`${file}-shm`, 'r');
  const buf = Buffer.alloc(48);
  const frames: number[] = [];
  /** µs on the main thread inside the two writes (the statements, not the commit), per relay. */
  const writes: number[] = [];
  let seen: number[] = [];
  let k = 0;
  const relay = async () => {
    const chat = chats[k++ % HELD];
    const read = await store.readTurn({
      key: { kind: 'channel', channelId: 'bench', userId: chat.userId },
      channelId: 'bench',
      channelConversationId: chat.channelConversationId,
      stateKeys: [],
    });
    const conversation = read.conversation!;
    const before = walHeader(shm, buf);
    const deferred = { deferSync: true };
    const sentiment = round(((k * 37) % 200) / 100 - 1, 2);
    // The writes run synchronously inside the call (the group commit's open transaction): their main-thread time.
    let t = performance.now();
    const appended = store.appendMessage(
      {
        conversationId: conversation.id,
        role: 'customer',
        kind: 'message',
        authorId: chat.customerId,
        text: TEXTS[k % TEXTS.length],
        attachments: [],
        activityId: `r${k}`,
        intent: 'None',
        score: 0.5,
        sentiment,
        language: 'en',
      },
      deferred,
    );
    let writeMs = performance.now() - t;
    const { message } = await appended;
    chat.recent = [...chat.recent, sentiment].slice(-5);
    t = performance.now();
    const counted = store.recordCustomerMessage(
      chat.customerId,
      {
        expectedVersion: chat.version,
        point: { at: message.createdAt, score: sentiment, conversationId: conversation.id },
        keepSentiment: 200,
        recentSentiment: chat.recent,
        at: message.createdAt,
        newConversation: false,
        engagementScore: ++chat.n,
      },
      deferred,
    );
    writeMs += performance.now() - t;
    writes.push(writeMs * 1000);
    await counted;
    chat.version++;
    await store.sync();
    const after = walHeader(shm, buf);
    // A checkpoint that restarted the WAL changed its salts: every frame since belongs to this commit.
    frames.push(after.salt === before.salt ? after.mxFrame - before.mxFrame : after.mxFrame);
    if (pages) seen = [before.mxFrame, after.mxFrame, after.salt === before.salt ? 1 : 0];
    // The console's push and the holder's presence (handoffMessaging.customerWroteToAgent).
    const c = await store.getConversation(conversation.id);
    await store.getUser(c!.agentId!);
  };
  /** Which b-trees the last relay's commit wrote (frames read from the WAL file, pages named through dbstat). */
  const lastPages = (): string[] => {
    if (!seen[2]) return [];
    const db = new Database(file, { readonly: true });
    try {
      const size = (db.pragma('page_size', { simple: true }) as number) + 24;
      const wal = fs.openSync(`${file}-wal`, 'r');
      const h = Buffer.alloc(24);
      const names = new Map((db.prepare('SELECT pageno, name FROM dbstat').all() as { pageno: number; name: string }[]).map((r) => [r.pageno, r.name]));
      const out: string[] = [];
      for (let f = seen[0] + 1; f <= seen[1]; f++) {
        fs.readSync(wal, h, 0, 24, 32 + (f - 1) * size);
        const pageno = h.readUInt32BE(0);
        out.push(names.get(pageno) ?? `page ${pageno}`);
      }
      fs.closeSync(wal);
      return out;
    } finally {
      db.close();
    }
  };
  /** CPU of the console push's read of a chat, µs: the whole record (getConversation) and, where the build has it, getConversationHolder. */
  const pushRead = async (): Promise<{ whole: number; holder?: number }> => {
    const ids = (await store.listConversations({ states: ['agent'], limit: HELD })).map((c) => c.id);
    const time = async (read: (id: string) => Promise<unknown>) => {
      const cpu = process.cpuUsage();
      for (let i = 0; i < 5 * HELD; i++) await read(ids[i % ids.length]);
      const used = process.cpuUsage(cpu);
      return (used.user + used.system) / (5 * HELD);
    };
    const holderRead = (store as { getConversationHolder?: (id: string) => Promise<unknown> }).getConversationHolder?.bind(store);
    return { whole: await time((id) => store.getConversation(id)), ...(holderRead ? { holder: await time(holderRead) } : {}) };
  };
  return {
    pushRead,
    round: async () => {
      frames.length = 0;
      writes.length = 0;
      const cpu = process.cpuUsage();
      for (let i = 0; i < RELAYS; i++) await relay();
      const used = process.cpuUsage(cpu);
      return { cpuUs: (used.user + used.system) / RELAYS, writeUs: median(writes), pages: frames.reduce((s, x) => s + x, 0) / frames.length };
    },
    lastPages,
    close: async () => {
      fs.closeSync(shm);
      await store.close();
    },
  };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2).filter((a) => a !== '--pages');
  const pages = process.argv.includes('--pages');
  const [a, b, roundsArg] = args;
  if (!a || !b) {
    process.stderr.write('usage: node dist/bench/relayStore.js DIST_A DIST_B [ROUNDS] [--pages]\n');
    process.exit(2);
  }
  const rounds = Number(roundsArg ?? 6);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'relay-store-'));
  const builds = [await open(a, fs.mkdtempSync(path.join(scratch, 'a-')), pages), await open(b, fs.mkdtempSync(path.join(scratch, 'b-')), pages)];
  try {
    for (const x of builds) await x.round(); // JIT and caches warm before anything counts
    const cpu: number[][] = [[], []];
    const walPages: number[][] = [[], []];
    const writeUs: number[][] = [[], []];
    for (let r = 0; r < rounds; r++) {
      for (const i of r % 2 ? [1, 0] : [0, 1]) {
        const got = await builds[i].round();
        cpu[i].push(got.cpuUs);
        walPages[i].push(got.pages);
        writeUs[i].push(got.writeUs);
      }
      process.stdout.write(
        `round ${r + 1}: A ${round(cpu[0][r], 1)} µs CPU, writes ${round(writeUs[0][r], 1)} µs, ${round(walPages[0][r], 2)} pages; B ${round(cpu[1][r], 1)} µs CPU, writes ${round(writeUs[1][r], 1)} µs, ${round(walPages[1][r], 2)} pages\n`,
      );
    }
    if (pages) for (const [i, x] of builds.entries()) process.stdout.write(`${'AB'[i]} last commit's pages: ${x.lastPages().join(', ')}\n`);
    for (const [i, x] of builds.entries()) {
      const read = await x.pushRead();
      process.stdout.write(
        `${'AB'[i]} push read: getConversation ${round(read.whole, 1)} µs${read.holder !== undefined ? `, getConversationHolder ${round(read.holder, 1)} µs` : ''}\n`,
      );
    }
    const ratios = cpu[0].map((x, i) => cpu[1][i] / x).sort((x, y) => x - y);
    process.stdout.write(
      `${JSON.stringify({
        a: { dist: a, cpuPerRelayUs: round(median(cpu[0]), 1), writeUs: round(median(writeUs[0]), 1), pagesPerCommit: round(median(walPages[0]), 2) },
        b: { dist: b, cpuPerRelayUs: round(median(cpu[1]), 1), writeUs: round(median(writeUs[1]), 1), pagesPerCommit: round(median(walPages[1]), 2) },
        cpuRatio: round(median(ratios), 3),
        spread: [round(ratios[0], 3), round(ratios[ratios.length - 1], 3)],
        loadAverage: os.loadavg().map((l) => round(l, 1)),
      })}\n`,
    );
  } finally {
    for (const x of builds) await x.close();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

void main();
