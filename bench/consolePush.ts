import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { buildApp, type App } from '../app/app';
import { runCli } from '../core/cliArgs';
import { loadConfig } from '../core/config';
import { createLogger } from '../core/logger';
import type { Conversation, Customer } from '../models/records';
import { buildConversation, buildCustomer } from '../store/recordBuilders';
import { benchSizes, SIZE_OPTIONS } from './benchArgs';
import type { BenchSink } from './benchKit';

/**
 * A push reaching an agent's inbox in the browser: with `agents` agents and `chats` open chats (55 % held,
 * two or so per agent; 45 % queued, which every agent's inbox lists), two pushes are timed in Debian's Chromium to
 * the DOM update a MutationObserver sees: a customer message on a chat the measured agent holds, from the server's
 * emit (just before the handoff event) to that chat's inbox entry (its unread badge); and a new chat in the queue,
 * from the queue delta carrying it handed to the agent's connection to its entry in the Unassigned list, scrolled to its end (where new chats
 * join). Both clocks are the same machine's
 * (performance.timeOrigin + now() on both sides). The baseline is the same push with 10 agents and 10 chats.
 */
const log = createLogger('silent');
const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;
const wallNow = () => performance.timeOrigin + performance.now();
/** The recognizer is not what is measured here (no bot turn runs): a fixed answer, no training. */
const recognizer = {
  languages: ['en'] as const,
  recognize: (text: string) => Promise.resolve({ text, intent: 'none', score: 0, entities: [], sentiment: 0, language: 'en' }),
};

interface Latency {
  p50: number;
  p95: number;
  max: number;
  n: number;
}
const median = (xs: number[]) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] : 0);
function stats(latencies: number[]): Latency {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  return { p50: round(at(0.5)), p95: round(at(0.95)), max: round(sorted[sorted.length - 1]), n: sorted.length };
}

async function scenario(
  dir: string,
  agents: number,
  chats: number,
  pushes: number,
): Promise<{ message: Latency; queue: Latency; loadMs: number; queued: number; queueKb: number; queueDeltas: { n: number; medianKb: number; maxKb: number } }> {
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: path.join(dir, `console-push-${chats}.sqlite`),
    OFFER_TIMEOUT_SECONDS: '3600',
  });
  const app: App = await buildApp(config, log, { recognizer });
  await new Promise<void>((r) => app.httpServer.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(app.httpServer.address() as AddressInfo).port}`;
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  try {
    const staff: string[] = [];
    for (let i = 0; i < agents; i++) {
      const u = await app.store.createUser({
        email: `push${i}@bench.local`,
        name: `Agent ${i}`,
        role: 'agent',
        skills: [],
        languages: ['en'],
        capacity: Math.ceil(chats / agents) + 2,
        passwordHash: 'none',
        presence: 'online',
      });
      staff.push(u.id);
    }
    // Seeded as stored records (an import), not run through the bot: the figure is the push, not the seeding.
    const customers: Customer[] = [];
    const conversations: Conversation[] = [];
    const now = new Date().toISOString();
    for (let i = 0; i < chats; i++) {
      const customer = buildCustomer({ displayName: `Customer ${i}` });
      customers.push(customer);
      const c = buildConversation({
        channelId: 'bench',
        channelConversationId: `push-${i}`,
        customerId: customer.id,
        reference: { channelId: 'bench', serviceUrl: 'http://127.0.0.1:9', conversation: { id: `push-${i}` } },
      });
      // 55 % held, 45 % queued: the queue stays under the 1,000 a queue listing returns, pushes included.
      const held = i % 20 < 11 || chats <= 20;
      conversations.push({
        ...c,
        state: held ? 'agent' : 'queued',
        agentId: held ? staff[i % agents] : null,
        handoffReason: 'customer_asked',
        queuedAt: now,
        ...(held ? { assignedAt: now } : { queueInfo: { offeredTo: [] } }),
      });
    }
    for (let i = 0; i < chats; i += 500)
      await app.store.importRecords({ customers: customers.slice(i, i + 500), conversations: conversations.slice(i, i + 500) });

    const me = staff[0];
    const mine = conversations.filter((c) => c.agentId === me);
    const token = app.services.auth.tokenFor(await app.services.auth.issue(me));
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    await page.addInitScript(`sessionStorage.setItem('console-token', ${JSON.stringify(token)})`);
    const t0 = Date.now();
    await page.goto(`${url}/console`);
    await page.locator(`#inbox-list [data-conversation="${mine[0].id}"]`).waitFor({ timeout: 60_000 });
    const loadMs = Date.now() - t0;
    // Every change under a chat's inbox entry records when it happened, for the chat it belongs to.
    await page.evaluate(`(() => {
      window.__seen = {};
      new MutationObserver((records) => {
        const at = performance.timeOrigin + performance.now();
        for (const r of records) {
          // A new entry is an added node; a changed one has the mutation inside it. Inbox entries only.
          const nodes = r.type === 'childList' ? [...r.addedNodes, r.target] : [r.target];
          for (const n of nodes) {
            const el = (n.nodeType === 1 ? n : n.parentElement)?.closest('#inbox-list [data-conversation]');
            const id = el && el.getAttribute('data-conversation');
            if (id && !(id in window.__seen)) window.__seen[id] = at;
          }
        }
      }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
    })()`);

    const latencies: number[] = [];
    for (let i = 0; i < pushes; i++) {
      const c = mine[i % mine.length];
      await page.evaluate(`delete window.__seen[${JSON.stringify(c.id)}]`);
      const { message } = await app.store.appendMessage({ conversationId: c.id, role: 'customer', kind: 'message', authorId: c.customerId, text: `push ${i}` });
      const stored = (await app.store.getConversation(c.id))!;
      const sent = wallNow();
      app.services.handoff.relayCustomerMessage(stored, message);
      let seen: number | undefined;
      const deadline = Date.now() + 10_000;
      while (seen === undefined && Date.now() < deadline) {
        seen = await page.evaluate<number | undefined>(`window.__seen[${JSON.stringify(c.id)}]`);
        if (seen === undefined) await new Promise((r) => setTimeout(r, 2));
      }
      if (seen === undefined) throw new Error(`push ${i} never reached the inbox`);
      latencies.push(seen - sent);
      await new Promise((r) => setTimeout(r, 50));
    }

    // A queue change: a chat asks for a person (handoff's escalate); the queue delta every console gets
    // (queue:changed, coalesced) is timed from when the server hands it to this agent's connection to the new
    // entry in the Unassigned list.
    const fresh: Conversation[] = [];
    for (let i = 0; i < pushes; i++) {
      const customer = buildCustomer({ displayName: `Newcomer ${i}` });
      const c = buildConversation({
        channelId: 'bench',
        channelConversationId: `new-${i}`,
        customerId: customer.id,
        reference: { channelId: 'bench', serviceUrl: 'http://127.0.0.1:9', conversation: { id: `new-${i}` } },
      });
      await app.store.importRecords({ customers: [customer], conversations: [c] });
      fresh.push(c);
    }
    const server = [...app.io.of('/').sockets.values()].find((s) => s.data.userId === me)!;
    // The delta that carries the chat awaited (`pending`) starts its clock; every queue delta's size is kept.
    let pending: string | undefined;
    let queueSentAt: number | undefined;
    const carrying: number[] = [];
    const deltas: number[] = [];
    server.conn.on('packetCreate', (packet: { data?: unknown }) => {
      if (typeof packet.data !== 'string' || !packet.data.startsWith('2["queue:changed"')) return;
      deltas.push(packet.data.length);
      if (pending && queueSentAt === undefined && packet.data.includes(pending)) {
        queueSentAt = wallNow();
        carrying.push(packet.data.length);
      }
    });
    // Away: routing offers the new chats to colleagues, so they show here under Unassigned (not as offers).
    await page.selectOption('#presence', 'away');
    while ((await app.store.getUser(me))?.presence !== 'away') await new Promise((r) => setTimeout(r, 10));
    await page.click('#view-unassigned');
    const queueLatencies: number[] = [];
    for (const c of fresh) {
      // New chats join the end of the queue (same priority, asked last): the agent watches that end of the list.
      for (let i = 0; i < 2; i++) {
        await page.evaluate(`document.getElementById('inbox').scrollTop = 1e9`);
        await new Promise((r) => setTimeout(r, 50));
      }
      queueSentAt = undefined;
      pending = c.id;
      await app.services.handoff.escalate(c.id, { reason: 'customer_asked', detail: 'bench', priorityBoost: 0 });
      let seen: number | undefined;
      const deadline = Date.now() + 10_000;
      while (seen === undefined && Date.now() < deadline) {
        seen = await page.evaluate<number | undefined>(`window.__seen[${JSON.stringify(c.id)}]`);
        if (seen === undefined) await new Promise((r) => setTimeout(r, 2));
      }
      if (queueSentAt === undefined) throw new Error('no queue delta carried the new chat to the agent');
      if (seen === undefined) throw new Error('a queue change never reached the inbox');
      queueLatencies.push(seen - queueSentAt);
      await new Promise((r) => setTimeout(r, 100));
    }
    return {
      message: stats(latencies),
      queue: stats(queueLatencies),
      loadMs,
      queued: (await app.services.handoff.queue()).length,
      queueKb: round(median(carrying) / 1024),
      queueDeltas: { n: deltas.length, medianKb: round(median(deltas) / 1024), maxKb: round(Math.max(0, ...deltas) / 1024) },
    };
  } finally {
    await browser.close();
    // app.close() did not return (15 min and more) after the 2,000-chat run on 2026-11-30, before and after the queue
    // deltas; the figures are taken by then, so the bench goes on after 10 s rather than hang.
    await Promise.race([app.close(), new Promise((r) => setTimeout(r, 10_000).unref())]);
  }
}

/** `--console-agents` (500) and `--console-chats` (2,000) size the measured run; `--console-pushes` (40) how many pushes each side times. */
export async function consolePush(b: BenchSink): Promise<void> {
  const { consoleAgents: agents, consoleChats: chats, consolePushes: pushes } = b.options;
  process.stdout.write(`\n== console push: server emit → inbox DOM update in Chromium, ${agents} agents and ${chats} open chats (baseline 10 and 10)\n`);
  const baseline = await scenario(b.dir, 10, 10, pushes);
  const measured = await scenario(b.dir, agents, chats, pushes);
  process.stdout.write(`baseline ${JSON.stringify(baseline)}\nmeasured ${JSON.stringify(measured)}\n`);
  b.results.consolePush = { agents, chats, measured, baseline };
  const ms = (l: Latency) => `${l.p50}/${l.p95}/${l.max}`;
  b.rows.push([
    `console message push → inbox DOM, ${agents} agents / ${chats} chats ms p50/p95/max`,
    ms(measured.message),
    `10 agents / 10 chats: ${ms(baseline.message)}; target < 50`,
  ]);
  b.rows.push([
    `console queue push → Unassigned list DOM, ${measured.queued} queued (${measured.queueKb} KB delta; all deltas median/max ${measured.queueDeltas.medianKb}/${measured.queueDeltas.maxKb} KB) ms p50/p95/max`,
    ms(measured.queue),
    `${baseline.queued} queued (${baseline.queueKb} KB): ${ms(baseline.queue)}; target < 50`,
  ]);
  b.rows.push([`console first load to inbox, ${chats} chats ms`, String(measured.loadMs), `10 chats: ${baseline.loadMs}`]);
}

const CONSOLE_FLAGS = {
  'console-agents': SIZE_OPTIONS['console-agents'],
  'console-chats': SIZE_OPTIONS['console-chats'],
  'console-pushes': SIZE_OPTIONS['console-pushes'],
} as const;

const USAGE = `usage: node dist/bench/consolePush.js [--console-agents N] [--console-chats N] [--console-pushes N]
  (after npm run build) the "console" section of npm run bench alone; defaults 500 agents, 2000 chats, 40 pushes
`;

/** `node dist/bench/consolePush.js [--console-agents N --console-chats N --console-pushes N]`: this section alone. */
if (require.main === module) {
  runCli('consolePush', USAGE, async () => {
    const { values } = parseArgs({ args: process.argv.slice(2), options: { ...CONSOLE_FLAGS, help: { type: 'boolean', short: 'h' } }, strict: true });
    if (values.help) {
      process.stdout.write(USAGE);
      return 0;
    }
    const sizes = benchSizes(values);
    const fs = await import('node:fs');
    const os = await import('node:os');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'console-push-'));
    const rows: [string, string, string][] = [];
    const results: Record<string, unknown> = {};
    try {
      await consolePush({ dir, rows, results, options: { data: '', skipNlu: true, botRounds: 6, ...sizes } });
      for (const r of rows) process.stdout.write(`${r.join(' | ')}\n`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    return 0;
  });
}
