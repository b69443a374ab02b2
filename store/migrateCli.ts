import { loadConfig } from '../core/config';
import { isAppError } from '../core/errors';
import { createStore } from './createStore';

/**
 * `npm run migrate`: brings the store named by DATABASE_URL up to this release's schema (tables, columns and the
 * full-text index on SQLite; indexes and data changes on MongoDB), then runs the repair once. A deployment step:
 * run it before starting instances of a new release (MIGRATE_ON_START does the same at start).
 */
export async function runMigrate(env: NodeJS.ProcessEnv, out: (s: string) => void): Promise<number> {
  const config = loadConfig(env);
  const store = createStore({ ...config.store, migrateOnStart: true });
  try {
    await store.init();
    const repaired = await store.repair();
    out(`store (${store.kind}) is up to date; repair: ${repaired.slots} agents' capacity and ${repaired.counters} conversations' counters fixed\n`);
    return 0;
  } catch (err) {
    out(`migration failed: ${isAppError(err) ? `${err.code} ${err.message}` : String(err)}\n`);
    return 1;
  } finally {
    await store.close().catch(() => undefined);
  }
}

if (require.main === module) {
  void runMigrate(process.env, (s) => process.stdout.write(s)).then((code) => process.exit(code));
}
