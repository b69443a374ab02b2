// Preloaded into an app process (NODE_OPTIONS=--require) by ackDurability.test.ts: every webhook outbox write of
// the embedded store starts SLOW_OUTBOX_MS late, a fault that widens the window between a change and its event.
require('./registerTs');
const { SqliteOutbox } = require('../../../store/sqlite/sqliteJobs.ts');
const delay = Number(process.env.SLOW_OUTBOX_MS || 500);
const write = SqliteOutbox.prototype.enqueueOutbox;
SqliteOutbox.prototype.enqueueOutbox = async function (...args) {
  await new Promise((resolve) => setTimeout(resolve, delay));
  return write.apply(this, args);
};
