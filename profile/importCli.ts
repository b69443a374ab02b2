import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { runCli, UsageError } from '../core/cliArgs';
import { loadConfig } from '../core/config';
import { isAppError } from '../core/errors';
import { createStore } from '../store/createStore';
import { CustomerImport } from './customerImport';
import { ProfileService } from './profileService';
import { ReservedNames, StaffNames } from './reservedNames';

const USAGE = `usage: npm run import -- --file customers.csv [--dry-run]
  imports customers into the store named by DATABASE_URL and prints the report as JSON; --dry-run checks the
  file and writes nothing. Exit code 1 when a row was refused.
`;

/** `npm run import -- --file customers.csv [--dry-run]`: imports into the store named by DATABASE_URL; prints the report as JSON. */
async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: { file: { type: 'string' }, 'dry-run': { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const { file, 'dry-run': dryRun } = values;
  if (!file) throw new UsageError('--file is required');
  if (!fs.existsSync(file)) throw new UsageError(`${file} does not exist`);
  const config = loadConfig();
  const store = createStore(config.store);
  await store.init();
  try {
    // The names the service refuses customers (roles, the company's, staff accounts') are refused here too.
    const staff = new StaffNames(store);
    await staff.load();
    const reservedNames = new ReservedNames({ companyName: config.companyName, staffNames: () => staff.current(), freshStaffNames: () => staff.fresh() });
    const report = await new CustomerImport(store, new ProfileService(store, { reservedNames })).run(fs.readFileSync(file, 'utf8'), { dryRun, actorId: 'cli' });
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return report.errors.length ? 1 : 0;
  } catch (err) {
    process.stderr.write(`${isAppError(err) ? `${err.code}: ${err.message}` : String(err)}\n`);
    return 2;
  } finally {
    await store.close();
  }
}

if (require.main === module) runCli('import', USAGE, () => main(process.argv.slice(2)));
