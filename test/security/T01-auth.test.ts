/**
 * T01: no or invalid authentication, from outside. Bot Framework activities with every kind of forged channel
 * token (checked against a local stand-in for the channel's published keys, so a valid token is accepted too),
 * every REST route that needs a session, the web chat's Direct Line endpoints and the console socket. Each
 * attempt gets a 401 (or the same 404 as a missing resource) and nothing is stored.
 */
import { generateKeyPairSync, createHmac } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runUsersCli } from '../../app/usersCli';
import { OPENAPI } from '../../api/openapi';
import { messageActivity, post } from '../helpers/activities';
import { connect } from '../helpers/consoleClient';
import { BotFrameworkKeys, channelClaims, request, startSecurityApp, webChatVisitor, type SecurityApp } from './helpers';

const APP_ID = '00000000-0000-0000-0000-0000000000a1';
const SERVICE_URL = 'https://webchat.botframework.com/';
const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');

describe('T01 Bot Framework channel tokens', () => {
  let keys: BotFrameworkKeys;
  let s: SecurityApp;
  beforeAll(async () => {
    keys = await new BotFrameworkKeys().start();
    s = await startSecurityApp({
      MicrosoftAppId: APP_ID,
      MicrosoftAppPassword: 'app-password-for-tests-0123456789',
      PUBLIC_URL: 'https://bot.example',
      BOT_OPENID_METADATA_URL: keys.metadataUrl,
    });
  });
  afterAll(async () => {
    await s.stop();
    await keys.stop();
  });
  const send = (id: string, authorization?: string) =>
    post(
      s.url,
      messageActivity({ channelId: 'test', serviceUrl: SERVICE_URL, conversation: { id }, text: 'where is my order 12345' }),
      authorization === undefined ? {} : { authorization },
    );

  test('a token signed with the published key is accepted and the message stored (the control)', async () => {
    const r = await send('t01-valid', `Bearer ${keys.token(channelClaims(APP_ID, SERVICE_URL))}`);
    expect(r.status).toBe(200);
    expect(await s.app.store.findConversationByChannel('test', 't01-valid')).not.toBeNull();
  });

  const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const now = () => Math.floor(Date.now() / 1000);
  test.each([
    ['no Authorization header', () => undefined],
    ['an empty bearer', () => 'Bearer '],
    ['a Basic credential', () => `Basic ${Buffer.from(`${APP_ID}:x`).toString('base64')}`],
    ['not a JWT', () => 'Bearer not.a.jwt'],
    ['alg none', () => `Bearer ${enc({ alg: 'none', typ: 'JWT', kid: 'bf-1' })}.${enc(channelClaims(APP_ID, SERVICE_URL))}.`],
    [
      'HS256 keyed with the public key',
      () => {
        const b = `${enc({ alg: 'HS256', typ: 'JWT', kid: 'bf-1' })}.${enc(channelClaims(APP_ID, SERVICE_URL))}`;
        return `Bearer ${b}.${createHmac('sha256', keys.keyPair.publicKey.export({ format: 'pem', type: 'spki' }))
          .update(b)
          .digest('base64url')}`;
      },
    ],
    ['a bad signature (another key, our key id)', () => `Bearer ${keys.token(channelClaims(APP_ID, SERVICE_URL), { key: other.privateKey })}`],
    ['an unknown key id', () => `Bearer ${keys.token(channelClaims(APP_ID, SERVICE_URL), { kid: 'bf-unknown' })}`],
    ['no key id', () => `Bearer ${enc({ alg: 'RS256', typ: 'JWT' })}.${enc(channelClaims(APP_ID, SERVICE_URL))}.${'A'.repeat(342)}`],
    ['a future nbf', () => `Bearer ${keys.token(channelClaims(APP_ID, SERVICE_URL, { nbf: now() + 3600, exp: now() + 7200 }))}`],
    ['an expired token', () => `Bearer ${keys.token(channelClaims(APP_ID, SERVICE_URL, { nbf: now() - 7200, exp: now() - 3600 }))}`],
    ["another bot's audience", () => `Bearer ${keys.token(channelClaims('11111111-1111-1111-1111-111111111111', SERVICE_URL))}`],
    ['another issuer', () => `Bearer ${keys.token(channelClaims(APP_ID, SERVICE_URL, { iss: 'https://evil.example' }))}`],
    ['a token for another service URL', () => `Bearer ${keys.token(channelClaims(APP_ID, 'https://smba.trafficmanager.net/emea/'))}`],
  ])('%s: 401, nothing stored, never a 500', async (name, auth) => {
    const id = `t01-${name.replace(/\W+/g, '-')}`;
    const r = await send(id, auth());
    expect(r.status).toBe(401);
    expect(r.body.error?.code).toBe('AUTH_INVALID');
    expect(await s.app.store.findConversationByChannel('test', id)).toBeNull();
  });
});

describe('T01 REST, web chat and console without valid credentials', () => {
  let s: SecurityApp;
  beforeAll(async () => {
    s = await startSecurityApp({ MENTIONS_API_KEY: 'listening-tool-key-0123456789' });
  });
  afterAll(async () => s.stop());

  const guarded = Object.entries(OPENAPI.paths as unknown as Record<string, Record<string, { security?: unknown[] }>>).flatMap(([p, ops]) =>
    Object.entries(ops)
      .filter(([, op]) => JSON.stringify(op.security ?? []).includes('bearer'))
      .map(([method, op]) => [method.toUpperCase(), p.replace(/\{(\w+)\}/g, 'x'), JSON.stringify(op.security).includes('{}')] as const),
  );

  test('the OpenAPI document lists the guarded routes this sweep covers', () => {
    expect(guarded.length).toBeGreaterThan(20);
  });

  test.each(guarded)('%s %s without a token: 401', async (method, p) => {
    const r = await request(`${s.url}${p}${p.includes('export') ? '?format=csv' : ''}`, {
      method,
      ...(method === 'GET' || method === 'DELETE' ? {} : { body: {} }),
    });
    expect(r.status).toBe(401);
    expect(r.body.error?.code).toMatch(/^AUTH_(REQUIRED|INVALID)$/);
  });

  test.each(guarded)('%s %s with a forged token: 401', async (method, p) => {
    const r = await request(`${s.url}${p}${p.includes('export') ? '?format=csv' : ''}`, {
      method,
      headers: { authorization: 'Bearer c2Vzc2lvbg.Zm9yZ2Vk' },
      ...(method === 'GET' || method === 'DELETE' ? {} : { body: {} }),
    });
    expect(r.status).toBe(401);
  });

  test('mentions without or with a wrong key: 401, nothing stored', async () => {
    const body = { network: 'x', handle: '@intruder', text: 'hello' };
    expect((await request(`${s.url}/api/mentions`, { body })).status).toBe(401);
    expect((await request(`${s.url}/api/mentions`, { body, headers: { 'x-api-key': 'listening-tool-key-0123456780' } })).status).toBe(401);
    expect(await s.app.store.findCustomerByKey({ kind: 'channel', channelId: 'mention:x', userId: 'intruder' })).toBeNull();
  });

  test("web chat: no token, a tampered token, or someone else's conversation get nothing and store nothing", async () => {
    const mine = await webChatVisitor(s.url);
    const theirs = await webChatVisitor(s.url);
    expect((await theirs.say('my card is 5555')).status).toBe(200);
    const dl = `${s.url}/v3/directline/conversations`;
    expect((await request(`${dl}/${mine.conversationId}/activities`, { body: { type: 'message', text: 'x' } })).status).toBe(401);
    const [body, sig] = mine.token.split('.');
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString()) as Record<string, unknown>;
    const tampered = `${Buffer.from(JSON.stringify({ ...claims, conversationId: theirs.conversationId })).toString('base64url')}.${sig}`;
    expect((await request(`${dl}/${theirs.conversationId}/activities`, { headers: { authorization: `Bearer ${tampered}` } })).status).toBe(401);
    const read = await request(`${dl}/${theirs.conversationId}/activities`, { headers: { authorization: `Bearer ${mine.token}` } });
    expect(read.status).toBe(404);
    expect(JSON.stringify(read.body)).not.toContain('5555');
    const write = await request(`${dl}/${theirs.conversationId}/activities`, {
      headers: { authorization: `Bearer ${mine.token}` },
      body: { type: 'message', text: 'injected' },
    });
    expect(write.status).toBe(404);
    const conv = (await s.app.store.findConversationByChannel('webchat', theirs.conversationId))!;
    expect((await s.app.store.listMessages(conv.id)).map((m) => m.text)).not.toContain('injected');
  });

  test('console socket without a token or with a forged one is refused with a code', async () => {
    for (const token of [undefined, 'forged.token']) {
      const socket = connect(s.url, token, { reconnection: false });
      const code = await new Promise<string>((resolve) => {
        socket.once('connect', () => resolve('connected'));
        socket.once('connect_error', (err: Error & { data?: { code?: string } }) => resolve(err.data?.code ?? err.message));
      });
      socket.disconnect();
      expect(code).toMatch(/^AUTH_(REQUIRED|INVALID)$/);
    }
  });
});

test.each([
  ['short', 'Tr0ub4dor&3'],
  ['a digit run', '1234567890123'],
  ['a common password', 'password12345'],
  ["the account's own e-mail", 'eva.lopez@example.com'],
  ['a keyboard walk', 'qwertyuiopasdf'],
])('T01 a new account with a weak password (%s) is refused, and no account exists', async (_name, password) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-t01-'));
  const env = { NODE_ENV: 'test', DATABASE_URL: path.join(dir, 'crm.sqlite') };
  let out = '';
  try {
    expect(
      await runUsersCli(
        ['add', '--email', 'eva.lopez@example.com', '--name', 'Eva Lopez', '--role', 'admin', '--password', password],
        env,
        (s) => void (out += s),
      ),
    ).toBe(1);
    expect(out).toContain('AUTH_PASSWORD_WEAK');
    out = '';
    await runUsersCli(['list'], env, (s) => void (out += s));
    expect(out).toBe('');
    // A strong one is taken.
    expect(
      await runUsersCli(
        ['add', '--email', 'eva.lopez@example.com', '--name', 'Eva Lopez', '--role', 'admin', '--password', 'violet orbit lantern 42'],
        env,
        () => undefined,
      ),
    ).toBe(0);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
