import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import { mongoTestUri } from '../../core/config';
import { visitorNumber } from '../../models/visitorLabel';
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

// MongoDB only (the SQLite file's migration: test/integration/sqliteMigration.test.ts); skipped without a server, as above.
(uri ? describe : describe.skip)('MongoDB schema 10: visitor numbers', () => {
  test('a database at version 9 gains the numbers of the labels already shown, and the filter reads them by the index', async () => {
    const dbName = `crm_v10_${randomUUID().slice(0, 8)}`;
    const first = new MongoStore(uri!, { timeoutMs: 5000, dbName, migrateOnStart: true });
    await first.init();
    const people: { customerId: string; conversationId: string }[] = [];
    for (const [n, displayName] of ['', 'Ana Gómez'].entries()) {
      const customer = await first.createCustomer({ displayName });
      const { conversation } = await first.getOrCreateConversation({
        channelId: 'x',
        channelConversationId: `ten-${n}`,
        customerId: customer.id,
        reference: { channelId: 'x', serviceUrl: 'http://x', conversation: { id: `ten-${n}` } },
      });
      people.push({ customerId: customer.id, conversationId: conversation.id });
    }
    await first.close();
    const raw = await mongoose.createConnection(uri!, { dbName }).asPromise();
    try {
      await raw.db!.collection('customers').updateMany({}, { $unset: { visitorNumber: '' } });
      await raw.db!.collection('customers').dropIndex('visitorNumber_1');
      await raw.db!.collection<{ _id: string; version: number }>('store_meta').updateOne({ _id: 'schema' }, { $set: { version: 9 } });
      const refused = new MongoStore(uri!, { timeoutMs: 5000, dbName });
      await expect(refused.init()).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
      await refused.close().catch(() => undefined);
      const store = new MongoStore(uri!, { timeoutMs: 5000, dbName, migrateOnStart: true });
      await store.init();
      const [visitor, named] = people;
      const found = async (customer: string) => (await store.searchTranscripts({ customer }, { limit: 10 })).items.map((i) => i.conversation.id);
      expect(await found(`Visitor ${visitorNumber(visitor.customerId)}`)).toEqual([visitor.conversationId]);
      expect(await found(`visitor ${visitorNumber(named.customerId)}`)).toEqual([]);
      const docs = await raw.db!.collection<{ _id: string; visitorNumber: number }>('customers').find({}).toArray();
      expect(docs.map((d) => d.visitorNumber)).toEqual(docs.map((d) => visitorNumber(d._id)));
      // The filter's read and the fill's are index ranges (IXSCAN on visitorNumber_1), never a collection scan.
      for (const filter of [{ visitorNumber: visitorNumber(visitor.customerId) }, { visitorNumber: null }]) {
        const plan = JSON.stringify(await raw.db!.collection('customers').find(filter).explain());
        expect(plan).toContain('visitorNumber_1');
        expect(plan).not.toContain('COLLSCAN');
      }
      // A customer an instance of the previous release wrote since (no number): numbered by the next migration.
      const { visitorNumber: _dropped, ...rest } = docs[0];
      const late = { ...rest, _id: `late-${randomUUID()}` };
      await raw.db!.collection<{ _id: string }>('customers').insertOne(late);
      await store.migrate();
      const stored = await raw.db!.collection<{ _id: string; visitorNumber?: number }>('customers').findOne({ _id: late._id });
      expect(stored?.visitorNumber).toBe(visitorNumber(late._id));
      await store.dropAll();
      await store.close();
    } finally {
      await raw.close();
    }
  });
});
