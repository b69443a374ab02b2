import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SqliteStore } from '../../store/sqliteStore';

/**
 * A child process appends messages and prints each acknowledgement; we SIGKILL it mid-stream and
 * check that every acknowledged message is in the file (synchronous=FULL, the production default).
 */
test('SIGKILL loses nothing that was acknowledged', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-kill-'));
  const file = path.join(dir, 'crm.sqlite');
  const setup = new SqliteStore(file);
  await setup.init();
  const customer = await setup.createCustomer({});
  const { conversation } = await setup.getOrCreateConversation({
    channelId: 'test', channelConversationId: 'kill', customerId: customer.id,
    reference: { channelId: 'test', serviceUrl: 'http://x', conversation: { id: 'kill' } },
  });
  await setup.close();

  const child = spawn(process.execPath, ['-r', path.join(__dirname, 'helpers', 'registerTs.js'), path.join(__dirname, 'helpers', 'appendForever.ts'), file, conversation.id], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const acked: string[] = [];
  await new Promise<void>((resolve) => {
    let buf = '';
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop() ?? '';
      for (const l of lines) if (l.startsWith('ack ')) acked.push(l.slice(4));
      if (acked.length >= 200) {
        child.kill('SIGKILL');
        resolve();
      }
    });
  });
  await new Promise((r) => child.on('exit', r));

  const after = new SqliteStore(file);
  await after.init();
  const stored = new Set((await after.listMessages(conversation.id)).map((m) => m.activityId));
  await after.close();
  fs.rmSync(dir, { recursive: true, force: true });
  expect(acked.length).toBeGreaterThanOrEqual(200);
  expect(acked.filter((a) => !stored.has(a))).toEqual([]);
});
