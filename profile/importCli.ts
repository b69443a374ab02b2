import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { loadConfig } from '../core/config';
import { isAppError } from '../core/errors';
import { createStore } from '../store/createStore';
import { CustomerImport } from './customerImport';
import { ProfileService } from './profileService';

/** `npm run import -- --file customers.csv [--dry-run]`: imports into the store named by DATABASE_URL; prints the report as JSON. */
async function main(argv: string[]): Promise<number> {
  let file: string | undefined;
  let dryRun = false;
  try {
    const { values } = parseArgs({ args: argv, options: { file: { type: 'string' }, 'dry-run': { type: 'boolean', default: false } } });
    file = values.file;
    dryRun = values['dry-run'];
  } catch {
    file = undefined;
  }
  if (!file || !fs.existsSync(file)) {
    process.stderr.write('usage: npm run import -- --file customers.csv [--dry-run]\n');
    return 2;
  }
  const store = createStore(loadConfig().store);
  await store.init();
  try {
    const report = await new CustomerImport(store, new ProfileService(store)).run(fs.readFileSync(file, 'utf8'), { dryRun, actorId: 'cli' });
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
