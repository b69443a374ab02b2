import type { StoreConfig } from '../core/config';
import { MongoStore } from './mongo/mongoStore';
import { SqliteStore } from './sqlite/sqliteStore';
import type { Store } from './store';

export function createStore(config: StoreConfig): Store {
  return config.kind === 'mongo'
    ? // The repair runs once across instances, as the leased job `store-repair` (app/appServices.ts).
      new MongoStore(config.uri, { timeoutMs: config.timeoutMs, migrateOnStart: config.migrateOnStart })
    : new SqliteStore(config.file, { synchronous: config.synchronous, migrateOnStart: config.migrateOnStart });
}
