import { randomUUID } from 'node:crypto';
import { mongoTestUri } from '../../core/config';
import { MongoStore } from '../../store/mongo/mongoStore';
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
  storeContract(
    async ({ faults }) => {
      const s = new MongoStore(uri!, {
        timeoutMs: 5000,
        dbName: `crm_contract_${randomUUID().slice(0, 8)}`,
        migrateOnStart: true,
        repairEveryMs: 0,
        repairConfirmMs: 50,
        faults,
      });
      await s.init();
      return s;
    },
    async (s) => {
      await (s as MongoStore).dropAll().catch(() => undefined);
      await s.close();
    },
  );
});
