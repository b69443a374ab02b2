import type { StoreConfig } from '../core/config';
import { MongoStore } from './mongo/mongoStore';
import { SqliteStore } from './sqlite/sqliteStore';
import type { Store } from './store';

export function createStore(config: StoreConfig): Store {
  return config.kind === 'mongo'
    ? // The periodic repair runs once across instances, as a leased job (app/app.ts); each instance still repairs at start.
      new MongoStore(config.uri, { timeoutMs: config.timeoutMs, migrateOnStart: config.migrateOnStart, repairEveryMs: 0 })
    : new SqliteStore(config.file, { synchronous: config.synchronous, migrateOnStart: config.migrateOnStart });
}
