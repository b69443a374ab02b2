import type { StoreConfig } from '../core/config';
import { MongoStore } from './mongoStore';
import { SqliteStore } from './sqliteStore';
import type { Store } from './store';

export function createStore(config: StoreConfig): Store {
  return config.kind === 'mongo'
    ? new MongoStore(config.uri, { timeoutMs: config.timeoutMs })
    : new SqliteStore(config.file, { synchronous: config.synchronous });
}
