import { randomUUID } from 'node:crypto';
import { mongoTestUri } from '../../core/config';
import { MongoStore } from '../../store/mongo/mongoStore';
import type { Store } from '../../store/store';
import { storeContract } from './storeContract';

const uri = mongoTestUri();

if (!uri) {
  // Not hidden: jest lists this suite as skipped, and this line says why.
  console.warn(
    'Store contract: MongoDB SKIPPED because MONGODB_URI is not set (no MongoDB server can run on this machine). Set MONGODB_URI=mongodb://… to run it.',
  );
}

// Skipped only when no MongoDB is configured; see the warning above.
(uri ? describe : describe.skip)('Store contract: MongoDB (mongoose)', () => {
  const dbNames = new WeakMap<Store, string>();
  storeContract(
    async ({ faults }) => {
      const dbName = `crm_contract_${randomUUID().slice(0, 8)}`;
      const s = new MongoStore(uri!, { timeoutMs: 5000, dbName, migrateOnStart: true, repairConfirmMs: 50, faults });
      await s.init();
      dbNames.set(s, dbName);
      return s;
    },
    async (s) => {
      await (s as MongoStore).dropAll().catch(() => undefined);
      await s.close();
    },
    // Another instance on the same database: its own connection, no migration.
    async (s) => {
      const other = new MongoStore(uri!, { timeoutMs: 5000, dbName: dbNames.get(s)!, repairConfirmMs: 50 });
      await other.init();
      return other;
    },
  );
});
