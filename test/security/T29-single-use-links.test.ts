/**
 * T29 (download links): a signed export link (POST /api/transcripts/export-link) ends up in browser histories,
 * download managers and proxies' logs. The attack: follow a link a supervisor already used, within its minute, to
 * get the transcripts again. The link works once (the supervisor's own download is whole), a second download is
 * 410 DOWNLOAD_LINK_USED and audited, on the same instance and on another one sharing Redis and the store.
 */
import { createStaff, type Staff } from '../helpers/consoleClient';
import { startSecurityApp, twoInstances, type SecurityApp } from './helpers';

jest.setTimeout(120_000);

const SECRET = 'single-use-link-test-secret-0123456789abcdefXYZ';

async function exportLink(url: string, sup: Staff, body: Record<string, string>, kind = 'transcripts'): Promise<string> {
  const res = await fetch(`${url}/api/${kind}/export-link`, {
    method: 'POST',
    headers: { authorization: `Bearer ${sup.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { url: string }).url;
}

const codeOf = async (res: Response) => ((await res.json()) as { error?: { code?: string } }).error?.code;

describe('T29 export links are single-use', () => {
  let s: SecurityApp;
  let sup: Staff;
  let admin: Staff;
  // The sessions' clock (AppDeps.clock), moved instead of waiting a minute.
  let skew = 0;
  beforeAll(async () => {
    s = await startSecurityApp({ SESSION_SECRET: SECRET }, { clock: () => Date.now() + skew });
    sup = await createStaff(s.app, { role: 'supervisor', name: 'Sue Supervisor' });
    admin = await createStaff(s.app, { role: 'admin', name: 'Adam Admin' });
  });
  afterAll(() => s.stop());

  test('the first download is whole; the same link again is refused with DOWNLOAD_LINK_USED and audited', async () => {
    const link = await exportLink(s.url, sup, { format: 'csv' });
    const first = await fetch(`${s.url}${link}`);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-disposition')).toMatch(/^attachment/);
    await first.text();

    const second = await fetch(`${s.url}${link}`);
    expect(second.status).toBe(410);
    expect(await codeOf(second)).toBe('DOWNLOAD_LINK_USED');
    const reused = await s.app.store.listAudit({ action: 'export.link_reused', actorId: sup.id });
    expect(reused).toHaveLength(1);
    expect(reused[0].data).toMatchObject({ path: '/api/transcripts/export' });

    // A new link for the same export works: single use is per link, not per query.
    const again = await exportLink(s.url, sup, { format: 'csv' });
    expect(again).not.toBe(link);
    expect((await fetch(`${s.url}${again}`)).status).toBe(200);
  });

  test('two downloads of one link at once: exactly one gets the file', async () => {
    const link = await exportLink(s.url, sup, { format: 'json' });
    const results = await Promise.all([fetch(`${s.url}${link}`), fetch(`${s.url}${link}`), fetch(`${s.url}${link}`)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 410, 410]);
    await Promise.all(results.map((r) => r.text()));
  });

  test('the audit export link is single-use too', async () => {
    const link = await exportLink(s.url, admin, { format: 'csv' }, 'audit');
    expect((await fetch(`${s.url}${link}`)).status).toBe(200);
    expect(await codeOf(await fetch(`${s.url}${link}`))).toBe('DOWNLOAD_LINK_USED');
  });

  test('an unused link still expires after its minute; a forged one is refused without spending anything', async () => {
    const link = await exportLink(s.url, sup, { format: 'csv' });
    const ticket = new URL(link, s.url).searchParams.get('ticket')!;
    const parts = ticket.split('.');
    // Another expiry in the same signed ticket: the signature no longer matches.
    const edited = link.replace(encodeURIComponent(ticket), encodeURIComponent([parts[0], String(Number(parts[1]) + 3600), ...parts.slice(2)].join('.')));
    expect((await fetch(`${s.url}${edited}`)).status).toBe(401);
    // The forgery spent nothing: the real link still works once.
    expect((await fetch(`${s.url}${link}`)).status).toBe(200);

    const unused = await exportLink(s.url, sup, { format: 'csv' });
    skew = 61_000;
    try {
      const late = await fetch(`${s.url}${unused}`);
      expect(late.status).toBe(401);
      expect(await codeOf(late)).toBe('AUTH_EXPIRED');
    } finally {
      skew = 0;
    }
  });
});

describe('T29 export links are single-use across instances (REDIS_URL)', () => {
  // The same store (sessions, audit) and Redis: two instances behind one address.
  const both = twoInstances({ SESSION_SECRET: SECRET }, { shareStore: true });
  let a: SecurityApp;
  let b: SecurityApp;
  let sup: Staff;
  beforeAll(async () => {
    ({ a, b } = both);
    sup = await createStaff(a.app, { role: 'supervisor' });
  });

  test('a link used on one instance is refused on the other', async () => {
    const link = await exportLink(a.url, sup, { format: 'csv' });
    expect((await fetch(`${a.url}${link}`)).status).toBe(200);
    const onB = await fetch(`${b.url}${link}`);
    expect(onB.status).toBe(410);
    expect(await codeOf(onB)).toBe('DOWNLOAD_LINK_USED');
  });
});
