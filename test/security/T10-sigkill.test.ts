/**
 * T10: SIGKILL mid-load. The real service (a child process, default durability: SQLITE_SYNCHRONOUS=full) takes
 * customer messages from 8 concurrent senders and is killed with SIGKILL in the middle; afterwards the store file
 * holds every message that was answered 200, each once.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SqliteStore } from '../../store/sqliteStore';
import { messageActivity } from '../helpers/activities';
import { sharedRecognizer } from '../helpers/sharedRecognizer';
import { request, startServiceProcess } from './helpers';

test('T10 every message acknowledged before a SIGKILL is in the store afterwards', async () => {
  await sharedRecognizer();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-t10-'));
  const file = path.join(dir, 'crm.sqlite');
  const service = await startServiceProcess({ DATABASE_URL: file, SQLITE_SYNCHRONOUS: 'full', RATE_LIMIT_CONVERSATION_MESSAGES: '100000/60' });
  const acked: { conversation: string; id: string }[] = [];
  let killed = false;
  try {
    const url = `http://127.0.0.1:${service.port}`;
    await Promise.all(
      Array.from({ length: 8 }, async (_, sender) => {
        for (let i = 0; !killed; i++) {
          const a = messageActivity({ conversation: { id: `t10-${sender}` }, from: { id: `t10-user-${sender}` }, text: `message ${i} of ${sender}` });
          try {
            const r = await request(`${url}/api/messages`, { body: a });
            if (r.status === 200) acked.push({ conversation: `t10-${sender}`, id: a.id as string });
          } catch {
            return; // the connection died with the process
          }
          if (acked.length >= 150 && !killed) {
            killed = true;
            service.child.kill('SIGKILL');
          }
        }
      }),
    );
    expect(await service.exited).toBeNull(); // killed by a signal, no exit code
  } finally {
    if (!killed) service.child.kill('SIGKILL');
  }
  const store = new SqliteStore(file);
  await store.init();
  const missing: string[] = [];
  for (const a of acked) {
    const conv = await store.findConversationByChannel('test', a.conversation);
    if (!conv || !(await store.findMessageByActivity(conv.id, a.id))) missing.push(`${a.conversation}/${a.id}`);
  }
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
  expect(acked.length).toBeGreaterThanOrEqual(150);
  expect(missing).toEqual([]);
  // A child process that starts, takes messages until it is killed and is read back: over 60 s on a loaded machine.
}, 180_000);
