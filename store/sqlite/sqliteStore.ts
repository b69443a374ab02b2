import type Database from 'better-sqlite3';
import { GuardedStore } from '../guardedStore';
import { SqliteEngine, type SqliteOptions } from './sqliteEngine';
import type { SqliteUpkeep } from './sqliteUpkeep';

/** The embedded default store: one SQLite file, WAL journal, group commit (see store/README.md). */
export class SqliteStore extends GuardedStore {
  declare protected readonly engine: SqliteEngine;

  constructor(file: string, options: SqliteOptions = {}) {
    super(new SqliteEngine(file, options));
  }

  /** For tests and benchmarks that simulate an outage or need raw access. */
  get database(): Database.Database {
    return this.engine.gc.db;
  }

  /** The background indexing and rollups (sqliteUpkeep.ts): tests drive its slices. */
  get upkeep(): SqliteUpkeep {
    return this.engine.upkeep;
  }
}
