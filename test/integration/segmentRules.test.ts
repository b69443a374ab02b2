import { createStaff } from '../helpers/consoleClient';
import { startTestApp, type RunningApp } from '../helpers/testApp';

/** PUT /api/segments over real HTTP: rules that can never match are refused, saying why; a replacement can be undone from the audit. */
describe('segment rules', () => {
  let running: RunningApp;
  let token: string;
  beforeAll(async () => {
    running = await startTestApp();
    token = (await createStaff(running.app, { role: 'admin' })).token;
  });
  afterAll(() => running.stop());

  const put = (body: unknown) =>
    fetch(`${running.url}/api/segments`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
  const get = async () =>
    ((await (await fetch(`${running.url}/api/segments`, { headers: { authorization: `Bearer ${token}` } })).json()) as { rules: unknown[] }).rules;

  test.each([
    [{ field: 'lifetimeValue', op: '>=', value: 'abc' }, /lifetimeValue is a number: compare it with a number, not "abc"/],
    [{ field: 'followers', op: 'has', value: 3 }, /followers is a number: compare it with >=, <=, >, < or ==, not has/],
    [{ field: 'tag', op: '>=', value: 3 }, /tag takes has, not >=/],
    [{ field: 'tag', op: 'has', value: 3 }, /tag is compared with text, not 3/],
    [{ field: 'language', op: '<', value: 'zz' }, /language takes == or has, not </],
    [{ field: 'language', op: '==', value: 'Spanish' }, /language is a two-letter code/],
  ])('a condition that never matches (%j) is refused with 400 and the reason; the rules stay', async (condition, said) => {
    const before = await get();
    const r = await put({ rules: [{ name: 'never', any: [[condition]] }] });
    expect(r.status).toBe(400);
    expect(((await r.json()) as { error: { message: string } }).error.message).toMatch(said);
    expect(await get()).toEqual(before);
  });

  const post = (path: string, body: unknown) =>
    fetch(`${running.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
  const good = {
    name: 'spanish_vip',
    any: [
      [
        { field: 'language', op: '==', value: 'es' },
        { field: 'lifetimeValue', op: '>=', value: 100 },
      ],
      [{ field: 'tag', op: 'has', value: 'vip' }],
    ],
  };

  test('an empty list is refused with SEGMENT_RULES_EMPTY and the rules stay; with allowEmpty it is taken', async () => {
    const before = await get();
    const r = await put({ rules: [] });
    expect(r.status).toBe(400);
    const body = (await r.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('SEGMENT_RULES_EMPTY');
    expect(body.error.message).toMatch(/allowEmpty/);
    expect(await get()).toEqual(before);
    expect((await put({ rules: [], allowEmpty: false })).status).toBe(400);
    expect((await put({ rules: [], allowEmpty: true })).status).toBe(200);
    expect(await get()).toEqual([]);
    expect((await post('/api/segments/restore', { defaults: true })).status).toBe(200);
    expect(await get()).toEqual(before);
  });

  test('rules emptied on purpose come back with POST /api/segments/restore {auditId}, audited; the defaults too', async () => {
    const original = await get();
    expect((await put({ rules: [...original, good] })).status).toBe(200);
    const withGood = await get();
    expect((await put({ rules: [], allowEmpty: true })).status).toBe(200);
    expect(await get()).toEqual([]);
    const entry = (await running.app.store.listAudit({ action: 'segments.update' })).find(
      (e) => Array.isArray(e.data?.rules) && (e.data.rules as unknown[]).length === 0,
    )!;
    expect(entry.data?.previous).toEqual(withGood);
    const restored = await post('/api/segments/restore', { auditId: entry.id });
    expect(restored.status).toBe(200);
    expect(((await restored.json()) as { rules: unknown }).rules).toEqual(withGood);
    expect(await get()).toEqual(withGood);
    const [last] = await running.app.store.listAudit({ action: 'segments.update', limit: 1 });
    expect(last.data).toMatchObject({ restoredFrom: entry.id, previous: [], rules: withGood });
    expect(last.actorId).toBeDefined();
    // What that change set ("after") is the empty list: restoring it is what the admin asked for by naming it.
    expect((await post('/api/segments/restore', { auditId: entry.id, take: 'after' })).status).toBe(200);
    expect(await get()).toEqual([]);
    expect((await post('/api/segments/restore', { defaults: true })).status).toBe(200);
    expect((await get()).map((r) => (r as { name: string }).name)).toEqual(['vip', 'influencer', 'at_risk', 'new_customer']);
  });

  test.each([
    [{ auditId: 'no-such-entry' }, 404, 'SEGMENT_AUDIT_NOT_FOUND'],
    [{}, 400, 'VALIDATION_FAILED'],
    [{ defaults: false }, 400, 'VALIDATION_FAILED'],
    [{ auditId: 'x', take: 'sideways' }, 400, 'VALIDATION_FAILED'],
  ])('a restore from %j is refused (%i %s) and the rules stay', async (body, status, code) => {
    const before = await get();
    const r = await post('/api/segments/restore', body);
    expect(r.status).toBe(status);
    expect(((await r.json()) as { error: { code: string } }).error.code).toBe(code);
    expect(await get()).toEqual(before);
  });
});
