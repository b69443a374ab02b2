import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Store } from '../../store/store';
import { SqliteStore } from '../../store/sqlite/sqliteStore';
import { storeContract } from './storeContract';

describe('Store contract: embedded SQLite', () => {
  const dirs: string[] = [];
  const files = new WeakMap<Store, string>();
  // synchronous=NORMAL keeps the 200-round claim test quick; durability under FULL is tested separately. No
  // background catch-up: searches and dashboards catch up first, and the tests count who rebuilt what.
  const open = async (file: string) => {
    const s = new SqliteStore(file, { synchronous: 'normal', backgroundMs: 0 });
    await s.init();
    return s;
  };
  storeContract(
    async ({ faults }) => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-store-'));
      dirs.push(dir);
      const file = path.join(dir, 'crm.sqlite');
      const s = new SqliteStore(file, { synchronous: 'normal', backgroundMs: 0, faults });
      await s.init();
      files.set(s, file);
      return s;
    },
    async (s) => {
      await s.close();
      const dir = dirs.pop();
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    },
    // Another connection to the same file: what a second process on this machine has.
    (s) => open(files.get(s)!),
  );
});
