/**
 * T04: when the identity provider's signing keys cannot be fetched, sign-in and channel traffic fail closed (a
 * coded 503 that tells the caller to retry, nothing stored, no session) and recover by themselves once the keys
 * are back. Both key publications are local stand-ins that can be taken down: Bot Framework's OpenID metadata and
 * Entra ID's key set for Teams sign-in.
 */
import { createSign, generateKeyPairSync } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { TeamsLinks } from '../../auth/teamsLinks';
import { messageActivity, post } from '../helpers/activities';
import { createStaff } from '../helpers/consoleClient';
import { BotFrameworkKeys, channelClaims, request, startSecurityApp } from './helpers';

const APP_ID = '00000000-0000-0000-0000-0000000000a4';
const SERVICE_URL = 'https://webchat.botframework.com/';

test('T04 Bot Framework: keys unreachable → 503 AUTH_KEYS_UNAVAILABLE and nothing stored; keys back → accepted', async () => {
  const keys = await new BotFrameworkKeys().start();
  keys.up = false;
  const s = await startSecurityApp({
    MicrosoftAppId: APP_ID,
    MicrosoftAppPassword: 'app-password-for-tests-0123456789',
    PUBLIC_URL: 'https://bot.example',
    BOT_OPENID_METADATA_URL: keys.metadataUrl,
  });
  try {
    const send = (id: string) =>
      post(s.url, messageActivity({ serviceUrl: SERVICE_URL, conversation: { id }, text: 'hello' }), {
        authorization: `Bearer ${keys.token(channelClaims(APP_ID, SERVICE_URL))}`,
      });
    const down = await send('t04-down');
    expect(down.status).toBe(503);
    expect(down.body.error?.code).toBe('AUTH_KEYS_UNAVAILABLE');
    expect(await s.app.store.findConversationByChannel('test', 't04-down')).toBeNull();
    expect(keys.fetches).toBeGreaterThan(0);
    // A forged token during the outage is not let through either.
    const forged = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const sneaky = await post(s.url, messageActivity({ serviceUrl: SERVICE_URL, conversation: { id: 't04-forged' } }), {
      authorization: `Bearer ${keys.token(channelClaims(APP_ID, SERVICE_URL), { key: forged.privateKey })}`,
    });
    expect([401, 503]).toContain(sneaky.status);
    expect(await s.app.store.findConversationByChannel('test', 't04-forged')).toBeNull();

    keys.up = true;
    const back = await send('t04-back');
    expect(back.status).toBe(200);
    expect(await s.app.store.findConversationByChannel('test', 't04-back')).not.toBeNull();
  } finally {
    await s.stop();
    await keys.stop();
  }
});

test('T04 Teams sign-in: key set unreachable → 503 AUTH_KEYS_UNAVAILABLE and no session; back → signed in', async () => {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  let up = false;
  const server = http.createServer((_req, res) => {
    if (!up) {
      res.writeHead(503);
      res.end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'k1' }] }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const tid = 'aaaaaaaa-0000-4000-8000-0000000000a4';
  const oid = 'bbbbbbbb-0000-4000-8000-0000000000a4';
  const appId = 'api://console.example/cccccccc-0000-4000-8000-0000000000a4';
  const s = await startSecurityApp({
    TEAMS_APP_ID: appId,
    TEAMS_ALLOWED_TENANTS: tid,
    TEAMS_JWKS_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/keys`,
  });
  try {
    const agent = await createStaff(s.app);
    await new TeamsLinks(s.app.store).link(agent.id, { tenantId: tid, objectId: oid }, 'test');
    const now = Math.floor(Date.now() / 1000);
    const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const body = `${enc({ alg: 'RS256', typ: 'JWT', kid: 'k1' })}.${enc({ iss: `https://login.microsoftonline.com/${tid}/v2.0`, aud: appId, tid, oid, exp: now + 600, nbf: now - 10 })}`;
    const token = `${body}.${createSign('RSA-SHA256').update(body).sign(privateKey).toString('base64url')}`;
    const signIns = async () => (await s.app.store.listAudit({ action: 'auth.sign_in', limit: 1000 })).length;
    const before = await signIns();
    const down = await request(`${s.url}/api/auth/teams`, { body: { token } });
    expect(down.status).toBe(503);
    expect(down.body.error?.code).toBe('AUTH_KEYS_UNAVAILABLE');
    expect(down.body.token).toBeUndefined();
    expect(await signIns()).toBe(before);
    up = true;
    const back = await request(`${s.url}/api/auth/teams`, { body: { token } });
    expect(back.status).toBe(200);
    expect(back.body.user?.id).toBe(agent.id);
  } finally {
    await s.stop();
    await new Promise((r) => server.close(r));
  }
});
