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

  test('rules that can match are taken; emptying them keeps the previous rules in full in the audit, and putting those back restores them', async () => {
    const original = await get();
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
    expect((await put({ rules: [...original, good] })).status).toBe(200);
    const withGood = await get();
    expect((await put({ rules: [] })).status).toBe(200);
    expect(await get()).toEqual([]);
    const entry = (await running.app.store.listAudit({ action: 'segments.update' })).find(
      (e) => Array.isArray(e.data?.rules) && (e.data.rules as unknown[]).length === 0,
    )!;
    expect(entry.data?.previous).toEqual(withGood);
    expect((await put({ rules: entry.data?.previous })).status).toBe(200);
    expect(await get()).toEqual(withGood);
  });
});
