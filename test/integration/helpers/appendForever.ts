import { SqliteStore } from '../../../store/sqliteStore';

/**
 * Child of durability.test.ts: appends until killed, printing "ack <activityId>" after each acknowledgement.
 * Mode "durable": each append resolves once on disk. Mode "deferred": appends resolve once applied (deferSync),
 * five at a time, and are acknowledged only after store.sync(), as a bot turn does.
 */
async function run(file: string, conversationId: string, mode: string): Promise<void> {
  const store = new SqliteStore(file, { synchronous: 'full' });
  await store.init();
  for (let i = 0; ; i += 5) {
    const ids = [0, 1, 2, 3, 4].map((k) => `act-${i + k}`);
    if (mode === 'deferred') {
      for (const activityId of ids)
        await store.appendMessage({ conversationId, role: 'customer', text: `message ${activityId}`, activityId }, { deferSync: true });
      await store.sync();
      for (const activityId of ids) process.stdout.write(`ack ${activityId}\n`);
    } else {
      for (const activityId of ids) {
        await store.appendMessage({ conversationId, role: 'customer', text: `message ${activityId}`, activityId });
        process.stdout.write(`ack ${activityId}\n`);
      }
    }
  }
}
void run(process.argv[2], process.argv[3], process.argv[4] ?? 'durable');
