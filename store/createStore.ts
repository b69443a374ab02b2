import type { StoreConfig } from '../core/config';
import type { MongoStore } from './mongo/mongoStore';
import { SqliteStore } from './sqlite/sqliteStore';
import type { Store } from './store';

export function createStore(config: StoreConfig): Store {
  if (config.kind === 'mongo') {
    // Loaded only when configured: mongoose costs ~0.5 s of CPU to load, in every process (and test file) on SQLite.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { MongoStore: Mongo } = require('./mongo/mongoStore') as { MongoStore: typeof MongoStore };
    // The repair runs once across instances, as the leased job `store-repair` (app/appServices.ts).
    return new Mongo(config.uri, { timeoutMs: config.timeoutMs, migrateOnStart: config.migrateOnStart });
  }
  return new SqliteStore(config.file, { synchronous: config.synchronous, migrateOnStart: config.migrateOnStart });
}
