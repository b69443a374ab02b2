import { createSign, generateKeyPairSync } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { TeamsLinks } from '../../auth/teamsLinks';
import { startTestApp, type RunningApp } from '../helpers/testApp';

/** A local stand-in for Entra ID's key endpoint: the only mock, at the boundary we cannot run. */
function keyServer(jwk: object): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/keys`, close: () => new Promise((r) => server.close(() => r())) }),
    ),
  );
}

function sign(privateKey: import('node:crypto').KeyObject, kid: string, claims: Record<string, unknown>): string {
  const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const body = `${enc({ alg: 'RS256', typ: 'JWT', kid })}.${enc(claims)}`;
  return `${body}.${createSign('RSA-SHA256').update(body).sign(privateKey).toString('base64url')}`;
}

describe('Teams tab single sign-on', () => {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const tid = '11111111-2222-3333-4444-555555555555';
  const appId = 'api://console.example/aaaaaaaa-0000-0000-0000-000000000001';
  let keys: { url: string; close: () => Promise<void> };
  let running: RunningApp;
  const now = () => Math.floor(Date.now() / 1000);
  const oid = '99999999-8888-7777-6666-555555555555';
  const good = () => ({
    iss: `https://login.microsoftonline.com/${tid}/v2.0`,
    aud: appId,
    tid,
    oid,
    exp: now() + 600,
    nbf: now() - 10,
    preferred_username: 'Teams.Agent@Contoso.com',
    name: 'Teams Agent',
  });

  beforeAll(async () => {
    keys = await keyServer({ ...publicKey.export({ format: 'jwk' }), kid: 'k1', use: 'sig' });
    running = await startTestApp({ TEAMS_APP_ID: appId, TEAMS_JWKS_URL: keys.url, TEAMS_ALLOWED_TENANTS: tid });
    const user = await running.app.services.auth.createUser({
      email: 'teams.agent@contoso.com',
      name: 'Teams Agent',
      password: 'correct horse battery',
      role: 'agent',
    });
    // An admin links the account once to the Entra ID account (tenant id, object id); e-mail claims decide nothing.
    await new TeamsLinks(running.app.store).link(user.id, { tenantId: tid, objectId: oid }, 'test');
  });
  afterAll(async () => {
    await running.stop();
    await keys.close();
  });

  const exchange = (token: string) =>
    fetch(`${running.url}/api/auth/teams`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }) });

  test('a valid Entra ID token maps to the agent account linked to its tenant and object id, and yields a working session', async () => {
    const res = await exchange(sign(privateKey, 'k1', good()));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { token: string; user: { email: string } };
    expect(body.user.email).toBe('teams.agent@contoso.com');
    const me = await fetch(`${running.url}/api/auth/me`, { headers: { authorization: `Bearer ${body.token}` } });
    expect(me.status).toBe(200);
  });

  test.each([
    ['signed by another key', () => sign(other.privateKey, 'k1', good())],
    ['an unknown key id', () => sign(privateKey, 'k9', good())],
    ['another audience', () => sign(privateKey, 'k1', { ...good(), aud: 'api://other' })],
    ['another issuer', () => sign(privateKey, 'k1', { ...good(), iss: 'https://evil.example/v2.0' })],
    ['expired', () => sign(privateKey, 'k1', { ...good(), exp: now() - 3600 })],
    ['not a JWT', () => 'abc'],
  ])('a token %s is refused with 401', async (_name, make) => {
    const res = await exchange(make());
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toMatch(/^AUTH_/);
  });
});
