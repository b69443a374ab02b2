import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A fresh SQLite file path in its own temporary directory. */
export function tempStoreFile(prefix: string): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), `crm-${prefix}-`)), 'crm.sqlite');
}

/**
 * Makes every sync of the WAL fail with EIO, as a failing disk would (the store syncs it with fdatasync, see
 * groupCommit.ts syncWal); restore with the returned spy's mockRestore().
 */
export function failFsync(): jest.SpyInstance {
  return jest
    .spyOn(fs, 'fdatasync')
    .mockImplementation((_fd: number, cb: (err: NodeJS.ErrnoException | null) => void) =>
      process.nextTick(() => cb(Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' }))),
    );
}
