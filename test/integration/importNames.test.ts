import fs from 'node:fs';
import path from 'node:path';
import { runUsersCli } from '../../app/usersCli';
import { loadConfig } from '../../core/config';
import { createStore } from '../../store/createStore';
import { runTs } from '../helpers/runTs';
import { tempStoreFile } from '../helpers/storeFiles';

/**
 * `npm run import` run as the shell runs it, on a store with a staff account: the CRM's names obey the rule
 * customers' names obey (no staff, bot or company names, no bidi controls), and a language we cannot serve is
 * refused, each on its own line of the report; the other rows are imported.
 */

function runImport(env: NodeJS.ProcessEnv, args: string[]) {
  return runTs('profile/importCli.ts', args, { ...process.env, ...env });
}

jest.setTimeout(60_000);

test('the import refuses staff names, bidi-reversed names and unsupported languages, row by row, and imports the rest', async () => {
  const db = tempStoreFile('import-names');
  const env = { NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: db, COMPANY_NAME: 'Acme Corp' };
  expect(await runUsersCli(['add', '--email', 'sam@example.com', '--name', 'Sam Supervisor', '--role', 'supervisor'], env, () => undefined)).toBe(0);
  const csv = path.join(path.dirname(db), 'customers.csv');
  fs.writeFileSync(
    csv,
    [
      'email,phone,name,language,time_zone,tags,followers,lifetime_value,marketing_consent,external_id',
      'zoe@example.com,,Zoe Zed,es,Europe/Madrid,,,,,',
      'sam@example.com,,Sam Supervisor,en,UTC,,,,,',
      'rlo@example.com,,\u202Etroppus,en,UTC,,,,,',
      'ada@example.com,,\u202Enimda adA,en,UTC,,,,,',
      'xx@example.com,,Xavier,xx,UTC,,,,,',
      'ana@example.com,,Ana \u2067López\u2069,en,UTC,,,,,',
    ].join('\n'),
  );
  const r = await runImport(env, ['--file', csv]);
  expect(r.code).toBe(1);
  const report = JSON.parse(r.stdout) as { created: number; errors: { line: number; reason: string }[] };
  expect(report.errors.map((e) => e.line)).toEqual([3, 4, 5, 6]);
  expect(report.errors[0].reason).toMatch(/name "Sam Supervisor" passes for staff/);
  expect(report.errors[1].reason).toMatch(/passes for staff/);
  expect(report.errors[2].reason).toMatch(/passes for staff/);
  expect(report.errors[3].reason).toMatch(/language "xx" is not supported \(en, es\)/);
  expect(report.created).toBe(2);

  const store = createStore(loadConfig(env).store);
  await store.init();
  try {
    expect((await store.findCustomerByKey({ kind: 'email', value: 'zoe@example.com' }))?.displayName).toBe('Zoe Zed');
    // An ordinary name is kept without the controls that could reorder what follows it.
    expect((await store.findCustomerByKey({ kind: 'email', value: 'ana@example.com' }))?.displayName).toBe('Ana López');
    for (const email of ['sam@example.com', 'rlo@example.com', 'ada@example.com', 'xx@example.com'])
      expect(await store.findCustomerByKey({ kind: 'email', value: email })).toBeNull();
  } finally {
    await store.close();
    fs.rmSync(path.dirname(db), { recursive: true, force: true });
  }
});
