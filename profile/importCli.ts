import fs from 'node:fs';
import { loadConfig } from '../core/config';
import { isAppError } from '../core/errors';
import { createStore } from '../store/createStore';
import { CustomerImport } from './customerImport';
import { ProfileService } from './profileService';

/** `npm run import -- --file customers.csv [--dry-run]`: imports into the store named by DATABASE_URL; prints the report as JSON. */
async function main(argv: string[]): Promise<number> {
  const i = argv.indexOf('--file');
  const file = i >= 0 ? argv[i + 1] : undefined;
  if (!file || !fs.existsSync(file)) {
    process.stderr.write('usage: npm run import -- --file customers.csv [--dry-run]\n');
    return 2;
  }
  const store = createStore(loadConfig().store);
  await store.init();
  try {
    const report = await new CustomerImport(store, new ProfileService(store)).run(fs.readFileSync(file, 'utf8'), { dryRun: argv.includes('--dry-run'), actorId: 'cli' });
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return report.errors.length ? 1 : 0;
  } catch (err) {
    process.stderr.write(`${isAppError(err) ? `${err.code}: ${err.message}` : String(err)}\n`);
    return 2;
  } finally {
    await store.close();
  }
}

void main(process.argv.slice(2)).then((code) => process.exit(code));
