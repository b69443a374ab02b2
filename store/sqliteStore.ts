/** Kept so imports written before the engines moved to store/sqlite/ still resolve. */
export { SqliteStore } from './sqlite/sqliteStore';
