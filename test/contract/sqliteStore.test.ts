import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SqliteStore } from '../../store/sqlite/sqliteStore';
import { storeContract } from './storeContract';

describe('Store contract: embedded SQLite', () => {
  const dirs: string[] = [];
  storeContract(
    async ({ faults }) => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-store-'));
      dirs.push(dir);
      // synchronous=NORMAL keeps the 200-round claim test quick; durability under FULL is tested separately.
      const s = new SqliteStore(path.join(dir, 'crm.sqlite'), { synchronous: 'normal', faults });
      await s.init();
      return s;
    },
    async (s) => {
      await s.close();
      const dir = dirs.pop();
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    },
  );
});
