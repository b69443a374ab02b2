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

/**
 * The store fsyncs the WAL itself, off the event loop, and acknowledges a write only after that fsync. When one
 * fails, the write is refused, and so is every later write (after a failed fsync the kernel may have dropped the
 * pages, so nothing written can be vouched for again); readiness reports the store down.
 */
describe('a failed fsync', () => {
  afterEach(() => jest.restoreAllMocks());

  it('refuses the write it was for and every later one, and the store reports itself down', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-fsync-'));
    const store = new SqliteStore(path.join(dir, 'crm.sqlite'));
    await store.init();
    const customer = await store.createCustomer({});
    const { conversation } = await store.getOrCreateConversation({
      channelId: 'test', channelConversationId: 'fsync', customerId: customer.id,
      reference: { channelId: 'test', serviceUrl: 'http://x', conversation: { id: 'fsync' } },
    });
    const ok = await store.appendMessage({ conversationId: conversation.id, role: 'customer', kind: 'message', text: 'before', activityId: 'a1' });
    expect(ok.created).toBe(true);

    const realFsync = fs.fsync;
    const calls = jest.spyOn(fs, 'fsync').mockImplementation(((fd: number, cb: (err: NodeJS.ErrnoException | null) => void) =>
      process.nextTick(() => cb(Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' })))) as typeof fs.fsync);
    await expect(store.appendMessage({ conversationId: conversation.id, role: 'customer', kind: 'message', text: 'lost?', activityId: 'a2' })).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    expect(calls).toHaveBeenCalled();
    calls.mockImplementation(realFsync);
    await expect(store.appendMessage({ conversationId: conversation.id, role: 'customer', kind: 'message', text: 'after', activityId: 'a3' })).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    await expect(store.ping()).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    await store.close();
  });

  it('acknowledges a write after an fsync of the WAL, and the write is in the file when reopened', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-fsync-'));
    const file = path.join(dir, 'crm.sqlite');
    const store = new SqliteStore(file);
    await store.init();
    const synced = jest.spyOn(fs, 'fsync');
    const customer = await store.createCustomer({});
    // Every acknowledged write waited for an fsync of the WAL.
    expect(synced).toHaveBeenCalled();
    await store.close();
    const again = new SqliteStore(file);
    await again.init();
    expect(await again.getCustomer(customer.id)).toMatchObject({ id: customer.id });
    await again.close();
  });
});
