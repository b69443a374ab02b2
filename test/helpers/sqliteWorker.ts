/**
 * A child process on a shared embedded store file (test/integration/sqliteMultiProcess.test.ts). Run as
 * `node -r test/integration/helpers/registerTs.js test/helpers/sqliteWorker.ts '<command as JSON>'`: it opens the
 * store (migrating at start, as the app does; `reopen` opens later), says `{"ready":true}` on stdout, waits for a line on stdin (so
 * several children start their work together), runs the command and prints its result as one JSON line.
 */
import readline from 'node:readline';
import { SqliteStore } from '../../store/sqliteStore';

export type WorkerCommand =
  | { op: 'open'; file: string }
  /** `count` messages with activity ids `${tag}-${i}`, `parallel` at a time; texts carry the word `${tag}w${i}`. */
  | { op: 'append'; file: string; conversationId: string; tag: string; count: number; parallel: number }
  /** Claims each conversation for `agentId`, in order. */
  | { op: 'claim'; file: string; conversationIds: string[]; agentId: string }
  /** Opens and closes the store `times` times (each open runs the migration). */
  | { op: 'reopen'; file: string; times: number }
  /** Takes each quota key once (limit `limit` per hour, all at one instant), `parallel` at a time; answers the keys it got. */
  | { op: 'quota'; file: string; keys: string[]; limit: number; parallel: number }
  /** Runs the store's repair `times` times and answers the dashboard days it recomputed in all (no background work). */
  | { op: 'repair'; file: string; times: number };

function say(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

/** Waits for the parent's go (a line on stdin). */
async function go(): Promise<void> {
  const lines = readline.createInterface({ input: process.stdin });
  await new Promise<void>((resolve) => lines.once('line', () => resolve()));
  lines.close();
}

async function main(): Promise<void> {
  const command = JSON.parse(process.argv[2]) as WorkerCommand;
  if (command.op === 'reopen') {
    say({ ready: true });
    await go();
    for (let i = 0; i < command.times; i++) {
      const s = new SqliteStore(command.file, { synchronous: 'normal' });
      await s.init();
      await s.close();
    }
    say({ done: true });
    return;
  }
  const store = new SqliteStore(command.file, { synchronous: 'full', ...(command.op === 'repair' ? { backgroundMs: 0 } : {}) });
  await store.init();
  say({ ready: true });
  await go();
  if (command.op === 'append') {
    const acked: { activityId: string; seq: number }[] = [];
    for (let i = 0; i < command.count; i += command.parallel) {
      const batch = Array.from({ length: Math.min(command.parallel, command.count - i) }, (_, k) => i + k);
      const results = await Promise.all(
        batch.map((j) =>
          store.appendMessage({
            conversationId: command.conversationId,
            role: 'customer',
            activityId: `${command.tag}-${j}`,
            text: `note ${command.tag}w${j}`,
          }),
        ),
      );
      for (const r of results) acked.push({ activityId: r.message.activityId!, seq: r.message.seq });
    }
    say({ done: true, acked });
  } else if (command.op === 'claim') {
    const won: string[] = [];
    for (const id of command.conversationIds) {
      const r = await store.claimConversation({ conversationId: id, agentId: command.agentId, fromStates: ['queued'], maxActive: 1_000_000 });
      if (r.ok) won.push(id);
    }
    say({ done: true, won });
  } else if (command.op === 'quota') {
    const taken: string[] = [];
    for (let i = 0; i < command.keys.length; i += command.parallel) {
      const batch = command.keys.slice(i, i + command.parallel);
      const got = await Promise.all(batch.map((k) => store.takeQuota(k, command.limit, 3_600_000, 1_000_000)));
      taken.push(...batch.filter((_, j) => got[j]));
    }
    say({ done: true, taken });
  } else if (command.op === 'repair') {
    let rollupDays = 0;
    for (let i = 0; i < command.times; i++) rollupDays += (await store.repair()).rollupDays;
    say({ done: true, rollupDays });
  } else {
    say({ done: true });
  }
  await store.close();
}

main().catch((err: unknown) => {
  say({ error: String((err as Error)?.stack ?? err) });
  process.exit(1);
});
