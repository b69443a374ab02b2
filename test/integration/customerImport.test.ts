import { CustomerImport } from '../../profile/customerImport';
import { ProfileService } from '../../profile/profileService';
import { startTestApp, type RunningApp } from '../helpers/testApp';

/** 10,000 data rows: duplicates of earlier rows, malformed rows, and rows matching existing customers. */
function buildCsv(): { csv: string; expectedErrors: Map<number, RegExp>; duplicates: number; existing: number[] } {
  const lines = ['email,phone,name,language,time_zone,tags,followers,lifetime_value,marketing_consent,external_id'];
  const expectedErrors = new Map<number, RegExp>();
  let duplicates = 0;
  for (let i = 1; i <= 10_000; i++) {
    const line = i + 1; // the header is line 1
    const phone = `+34600${String(i).padStart(6, '0')}`;
    if (i % 97 === 0) {
      lines.push(`not-an-email,${phone},Bad ${i},en,,,,,,`);
      expectedErrors.set(line, /invalid email/);
    } else if (i % 211 === 0) {
      lines.push(`,,Nobody ${i},en,,,,,,`);
      expectedErrors.set(line, /no email and no phone/);
    } else if (i % 503 === 0) {
      lines.push(`c${i}@example.com,${phone},Short row`);
      expectedErrors.set(line, /expected 10 columns, found 3/);
    } else if (i % 401 === 0) {
      lines.push(`c${i}@example.com,${phone},"Neg, ${i}",en,Europe/Madrid,a;b,-5,10,yes,X${i}`);
      expectedErrors.set(line, /followers "-5"/);
    } else if (i % 100 === 0) {
      // The same person as row i-1, with another tag.
      lines.push(`C${i - 1}@Example.com,,Again x${i - 1}x,en,,returning,,,,`);
      // A duplicate of a malformed row is the first valid row for that person.
      if (!expectedErrors.has(line - 1)) duplicates++;
    } else {
      lines.push(
        // "Customer x…x": the names rule reads digits as letters ("Customer 807" is "customer bot", refused as staff).
        `c${i}@example.com,${phone},"Customer x${i}x",${i % 2 ? 'en' : 'es'},Europe/Madrid,imported;tier${i % 3},${i % 50 === 0 ? 20000 : i},${i * 3},${i % 5 ? 'yes' : 'no'},X${i}`,
      );
    }
  }
  return { csv: lines.join('\n'), expectedErrors, duplicates, existing: [5, 6, 7, 8, 9] };
}

describe('CSV customer import', () => {
  let running: RunningApp;
  beforeAll(async () => {
    running = await startTestApp();
  });
  afterAll(async () => running.stop());

  test('10,000 rows with duplicates and malformed rows: each bad row reported with its line and reason, the rest imported; a dry run changes nothing', async () => {
    const { csv, expectedErrors, duplicates, existing } = buildCsv();
    const store = running.app.store;
    for (const i of existing)
      await store.createCustomer({
        displayName: `Existing ${i}`,
        contacts: [{ type: 'email', value: `c${i}@example.com`, verified: true, source: 'agent', addedAt: new Date().toISOString() }],
      });
    const importer = new CustomerImport(store, new ProfileService(store));

    const dry = await importer.run(csv, { dryRun: true });
    expect(await store.findCustomerByKey({ kind: 'email', value: 'c1@example.com' })).toBeNull();
    expect(dry.merges.map((m) => m.line)).toEqual(existing.map((i) => i + 1));

    const report = await importer.run(csv, { dryRun: false, actorId: 'test' });
    expect(report.rows).toBe(10_000);
    expect(report.errors.map((e) => e.line)).toEqual([...expectedErrors.keys()].sort((a, b) => a - b));
    for (const e of report.errors) expect(e.reason).toMatch(expectedErrors.get(e.line)!);
    expect(report.duplicatesInFile).toBe(duplicates);
    expect(report.merged).toBe(existing.length);
    expect(report.created + report.merged + report.duplicatesInFile + report.errors.length).toBe(10_000);
    expect({ ...report, errors: undefined, merges: undefined }).toEqual({ ...dry, dryRun: false, errors: undefined, merges: undefined });

    const c1 = await store.findCustomerByKey({ kind: 'email', value: 'c1@example.com' });
    expect(c1).toMatchObject({ displayName: 'Customer x1x', language: 'en', timeZone: 'Europe/Madrid', lifetimeValue: 3, attributes: { externalId: 'X1' } });
    expect(c1?.contacts.every((p) => p.verified && p.source === 'import')).toBe(true);
    expect(c1?.consent.at(-1)).toMatchObject({ purpose: 'marketing', granted: true, method: 'import' });
    expect((await store.findCustomerByKey({ kind: 'phone', value: '+34600000001' }))?.id).toBe(c1!.id);
    const dup = await store.findCustomerByKey({ kind: 'email', value: 'c99@example.com' });
    expect(dup?.tags).toEqual(expect.arrayContaining(['imported', 'returning']));
    const merged = await store.findCustomerByKey({ kind: 'email', value: 'c5@example.com' });
    expect(merged).toMatchObject({ displayName: 'Existing 5', attributes: { externalId: 'X5' } });
    expect((await store.findCustomerByKey({ kind: 'email', value: 'c50@example.com' }))?.segments).toContain('influencer');
  }, 240_000);

  test('a file without an email or phone column is refused as a whole', async () => {
    const importer = new CustomerImport(running.app.store, new ProfileService(running.app.store));
    await expect(importer.run('name,language\nAna,es', { dryRun: true })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});
