import { SqliteStore } from '../../../store/sqliteStore';

/** Child of durability.test.ts: appends until killed, printing "ack <activityId>" after each commit. */
async function run(file: string, conversationId: string): Promise<void> {
  const store = new SqliteStore(file, { synchronous: 'full' });
  await store.init();
  for (let i = 0; ; i++) {
    const activityId = `act-${i}`;
    await store.appendMessage({ conversationId, role: 'customer', text: `message ${i}`, activityId });
    process.stdout.write(`ack ${activityId}\n`);
  }
}
void run(process.argv[2], process.argv[3]);
