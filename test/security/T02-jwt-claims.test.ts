/**
 * T02: the JWT claim matrix, from outside. Teams sign-in tokens against a local key server (the only stand-in: we
 * cannot run Entra ID), and the company website's site tokens for web chat. Every forged, foreign, stale or
 * mis-addressed token is refused with a 401 (or 403 for a valid Teams account nobody linked), and none yields a
 * session; an account is found by its tenant and object id, never by an e-mail claim ("nOAuth").
 */
import { createHmac, createSign, generateKeyPairSync, type KeyObject } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { signSiteToken } from '../../auth/siteToken';
import { createStaff } from '../helpers/consoleClient';
import { request, startSecurityApp, type SecurityApp } from './helpers';

const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
function rs256(key: KeyObject, kid: string, claims: object): string {
  const body = `${enc({ alg: 'RS256', typ: 'JWT', kid })}.${enc(claims)}`;
  return `${body}.${createSign('RSA-SHA256').update(body).sign(key).toString('base64url')}`;
}
function hs(alg: 'HS256' | 'HS512', secret: string | Buffer, claims: object, kid?: string): string {
  const body = `${enc({ alg, typ: 'JWT', ...(kid ? { kid } : {}) })}.${enc(claims)}`;
  return `${body}.${createHmac(alg === 'HS256' ? 'sha256' : 'sha512', secret)
    .update(body)
    .digest('base64url')}`;
}
const unsigned = (claims: object, kid?: string) => `${enc({ alg: 'none', typ: 'JWT', ...(kid ? { kid } : {}) })}.${enc(claims)}.`;

describe('T02 Teams sign-in claim matrix', () => {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const allowed = 'aaaaaaaa-0000-4000-8000-000000000001';
  const foreign = 'bbbbbbbb-0000-4000-8000-000000000002';
  const agentOid = 'cccccccc-0000-4000-8000-000000000003';
  const strangerOid = 'dddddddd-0000-4000-8000-000000000004';
  const appId = 'api://console.example/eeeeeeee-0000-4000-8000-000000000005';
  const now = () => Math.floor(Date.now() / 1000);
  let keyServer: http.Server;
  let s: SecurityApp;
  let admin: { id: string; token: string };
  let agent: { id: string; token: string };
  const claims = (over: Record<string, unknown> = {}) => ({
    iss: `https://login.microsoftonline.com/${allowed}/v2.0`,
    aud: appId,
    tid: allowed,
    oid: agentOid,
    exp: now() + 600,
    nbf: now() - 10,
    iat: now() - 10,
    name: 'Agent',
    ...over,
  });

  beforeAll(async () => {
    keyServer = http.createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'k1', use: 'sig' }] }));
    });
    await new Promise<void>((r) => keyServer.listen(0, '127.0.0.1', r));
    s = await startSecurityApp({
      TEAMS_APP_ID: appId,
      TEAMS_JWKS_URL: `http://127.0.0.1:${(keyServer.address() as AddressInfo).port}/keys`,
      TEAMS_ALLOWED_TENANTS: allowed,
    });
    admin = await createStaff(s.app, { role: 'admin' });
    agent = await createStaff(s.app, { role: 'agent' });
    const link = await request(`${s.url}/api/users/${agent.id}/teams-link`, {
      headers: { authorization: `Bearer ${admin.token}` },
      body: { tenantId: allowed, objectId: agentOid },
    });
    expect(link.status).toBe(201);
  });
  afterAll(async () => {
    await s.stop();
    await new Promise((r) => keyServer.close(r));
  });

  const exchange = (token: string) => request(`${s.url}/api/auth/teams`, { body: { token } });
  const signIns = async () => (await s.app.store.listAudit({ action: 'auth.sign_in', limit: 1000 })).length;

  test('the linked account signs in, as itself whatever its e-mail claims say', async () => {
    const adminEmail = (await s.app.store.getUser(admin.id))!.email;
    const r = await exchange(rs256(privateKey, 'k1', claims({ preferred_username: adminEmail, upn: adminEmail, email: adminEmail })));
    expect(r.status).toBe(200);
    expect(r.body.user?.id).toBe(agent.id);
    expect(r.body.user?.role).toBe('agent');
    expect((await request(`${s.url}/api/auth/me`, { headers: { authorization: `Bearer ${r.body.token}` } })).status).toBe(200);
  });

  test.each([
    ['unsigned (alg none)', () => unsigned(claims(), 'k1')],
    ['HS256 keyed with the public key (algorithm confusion)', () => hs('HS256', publicKey.export({ format: 'pem', type: 'spki' }), claims(), 'k1')],
    ['signed by another key under our key id', () => rs256(other.privateKey, 'k1', claims())],
    ['an unknown key id', () => rs256(privateKey, 'k9', claims())],
    [
      'a tampered payload',
      () => {
        const [h, , sig] = rs256(privateKey, 'k1', claims()).split('.');
        return `${h}.${enc(claims({ oid: strangerOid }))}.${sig}`;
      },
    ],
    ['expired', () => rs256(privateKey, 'k1', claims({ exp: now() - 3600 }))],
    ['not valid before an hour from now', () => rs256(privateKey, 'k1', claims({ nbf: now() + 3600 }))],
    ['for another audience', () => rs256(privateKey, 'k1', claims({ aud: 'api://other.example/app' }))],
    [
      'from a tenant not on the list (valid in its own tenant)',
      () => rs256(privateKey, 'k1', claims({ tid: foreign, iss: `https://login.microsoftonline.com/${foreign}/v2.0` })),
    ],
    ["claiming our tenant with another tenant's issuer", () => rs256(privateKey, 'k1', claims({ iss: `https://login.microsoftonline.com/${foreign}/v2.0` }))],
    ['from an issuer that is not Entra ID', () => rs256(privateKey, 'k1', claims({ iss: 'https://evil.example/v2.0' }))],
    ['without a tenant', () => rs256(privateKey, 'k1', claims({ tid: undefined }))],
    ['without an object id (e-mail only)', () => rs256(privateKey, 'k1', claims({ oid: undefined, preferred_username: 'agent@test.local' }))],
    ['not a JWT', () => 'abc.def'],
  ])('a token %s gets 401 and no session', async (_name, make) => {
    const before = await signIns();
    const r = await exchange(make());
    expect(r.status).toBe(401);
    expect(r.body.error?.code).toMatch(/^AUTH_/);
    expect(r.body.token).toBeUndefined();
    expect(await signIns()).toBe(before);
  });

  test("a valid token of an unlinked account that claims a linked account's e-mail gets 403 AUTH_TEAMS_NOT_LINKED", async () => {
    const agentEmail = (await s.app.store.getUser(agent.id))!.email;
    const before = await signIns();
    const r = await exchange(rs256(privateKey, 'k1', claims({ oid: strangerOid, preferred_username: agentEmail, upn: agentEmail, email: agentEmail })));
    expect(r.status).toBe(403);
    expect(r.body.error?.code).toBe('AUTH_TEAMS_NOT_LINKED');
    expect(await signIns()).toBe(before);
  });

  test('only an admin links; a Teams account links to one staff account; bad ids are refused; unlinking ends sign-in', async () => {
    const link = (token: string, userId: string, body: object) =>
      request(`${s.url}/api/users/${userId}/teams-link`, { headers: { authorization: `Bearer ${token}` }, body });
    expect((await link(agent.token, agent.id, { tenantId: allowed, objectId: strangerOid })).status).toBe(403);
    expect((await request(`${s.url}/api/users/${agent.id}/teams-link`, { body: { tenantId: allowed, objectId: strangerOid } })).status).toBe(401);
    expect((await link(admin.token, admin.id, { tenantId: allowed, objectId: agentOid })).status).toBe(409);
    expect((await link(admin.token, agent.id, { tenantId: 'contoso.com', objectId: agentOid })).status).toBe(400);
    expect((await link(admin.token, agent.id, { tenantId: allowed, objectId: agentOid, role: 'admin' })).status).toBe(400);
    const unlink = await request(`${s.url}/api/users/${agent.id}/teams-link?tenantId=${allowed}&objectId=${agentOid}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${admin.token}` },
    });
    expect(unlink.status).toBe(204);
    expect((await exchange(rs256(privateKey, 'k1', claims()))).status).toBe(403);
    expect((await s.app.store.listAudit({ action: 'user.teams_unlink' })).map((a) => a.actorId)).toEqual([admin.id]);
  });
});

describe('T02 site token claim matrix (web chat visitor identity)', () => {
  const SECRET = 'site-secret-for-tests-0123456789abcdef';
  let s: SecurityApp;
  const now = () => Math.floor(Date.now() / 1000);
  beforeAll(async () => {
    s = await startSecurityApp({
      SITE_TOKEN_SECRET: SECRET,
      SITE_TOKEN_ISSUER: 'https://shop.example',
      SITE_TOKEN_AUDIENCE: 'shop-chat',
      SITE_TOKEN_MAX_SECONDS: '900',
    });
  });
  afterAll(async () => s.stop());
  const base = (over: Record<string, unknown> = {}) => ({
    sub: 'site-7',
    email: 'victim@example.com',
    iss: 'https://shop.example',
    aud: 'shop-chat',
    iat: now(),
    exp: now() + 600,
    ...over,
  });
  const session = (siteToken: string) => request(`${s.url}/chat/session`, { body: { siteToken } });

  test('a token from our issuer, for our audience, within the maximum lifetime is trusted; the chat session ends with it', async () => {
    const exp = now() + 600;
    const r = await session(hs('HS256', SECRET, base({ exp })));
    expect(r.status).toBe(200);
    expect(r.body.userId).toBe('site-site-7');
    const claims = JSON.parse(Buffer.from(r.body.token!.split('.')[0], 'base64url').toString()) as { max: number; exp: number };
    expect(claims.max).toBe(exp);
    expect(claims.exp).toBeLessThanOrEqual(exp);
    expect(r.body.expires_in).toBeLessThanOrEqual(600);
  });

  test.each([
    ['unsigned (alg none)', () => unsigned(base())],
    ['signed with another secret', () => hs('HS256', 'another-secret-another-secret-123', base())],
    ['HS512', () => hs('HS512', SECRET, base())],
    ['from another issuer', () => hs('HS256', SECRET, base({ iss: 'https://evil.example' }))],
    ['without an issuer', () => hs('HS256', SECRET, base({ iss: undefined }))],
    ['for another audience', () => hs('HS256', SECRET, base({ aud: 'other-app' }))],
    ['living longer than the maximum', () => hs('HS256', SECRET, base({ exp: now() + 3600 }))],
    ['without iat and far from expiry', () => hs('HS256', SECRET, base({ iat: undefined, exp: now() + 3600 }))],
    ['issued in the future', () => hs('HS256', SECRET, base({ iat: now() + 3600, exp: now() + 3700 }))],
    ['expired', () => hs('HS256', SECRET, base({ iat: now() - 700, exp: now() - 100 }))],
    ['signed by the helper with the default issuer', () => signSiteToken({ sub: 'x', email: 'victim@example.com', exp: now() + 600 }, SECRET)],
  ])('a site token %s gets 401, and the identity it claims is never stored', async (_name, make) => {
    const r = await session(make());
    expect(r.status).toBe(401);
    expect(r.body.token).toBeUndefined();
    expect(await s.app.store.findCustomerByKey({ kind: 'email', value: 'victim@example.com' })).toBeNull();
  });
});
