/**
 * T23: headers, CSRF and framing, from outside. API answers are never sniffed or cached; pages carry their CSP
 * and only Teams (and ourselves) may frame the console; nothing relies on cookies, so a cross-site form cannot act
 * for anyone (and form bodies are not even parsed); no CORS is granted; a console socket's Origin must match
 * scheme, host and port.
 */
import { connect, createStaff } from '../helpers/consoleClient';
import { request, startSecurityApp, type SecurityApp } from './helpers';

describe('T23 headers and CSRF', () => {
  let s: SecurityApp;
  let token: string;
  beforeAll(async () => {
    s = await startSecurityApp();
    token = (await createStaff(s.app, { role: 'admin' })).token;
  });
  afterAll(async () => s.stop());

  test.each([
    ['GET', '/healthz', undefined],
    ['GET', '/readyz', undefined],
    ['GET', '/api/openapi.json', undefined],
    ['GET', '/api/auth/me', undefined],
    ['GET', '/api/auth/me', 'admin'],
    ['POST', '/api/auth/login', undefined],
    ['POST', '/chat/session', undefined],
    ['GET', '/v3/directline/conversations/x/activities', undefined],
    // A customer's message: served ahead of restify's chain (app/appHttp.ts), with the same headers.
    ['POST', '/v3/directline/conversations/x/activities', undefined],
    ['GET', '/nope', undefined],
    ['GET', '/api/transcripts?from=2020-02-30', 'admin'],
  ])('%s %s answers with nosniff, no-store, no cookie and no CORS grant', async (method, path, who) => {
    const r = await request(`${s.url}${path}`, {
      method,
      headers: { origin: 'https://evil.example', ...(who ? { authorization: `Bearer ${token}` } : {}) },
      ...(method === 'POST' ? { body: {} } : {}),
    });
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['cache-control']).toBe('no-store');
    expect(r.headers['set-cookie']).toBeUndefined();
    expect(r.headers['access-control-allow-origin']).toBeUndefined();
    expect(String(r.headers['content-type'])).toMatch(/^application\/json/);
    if (path.startsWith('/v3/')) {
      expect(r.headers.server).toBe('social-crm-bot');
      expect(String(r.headers['x-request-id'])).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  test('impossible dates and prototype keys are refused with 400', async () => {
    const auth = { authorization: `Bearer ${token}` };
    for (const q of [
      'from=2020-02-30',
      'from=2021-02-29&to=2021-03-01',
      'from=2026-13-01',
      'from=2026-01-01T24:00:00Z',
      '__proto__[admin]=1',
      'constructor[prototype][x]=1',
    ]) {
      const r = await request(`${s.url}/api/transcripts?${q}`, { headers: auth });
      expect({ q, status: r.status }).toEqual({ q, status: 400 });
    }
    for (const body of [
      '{"__proto__":{"admin":true},"email":"a@b.co","password":"x"}',
      '{"email":"a@b.co","password":"x","constructor":{"prototype":{"admin":true}}}',
      // Spelled with escapes: JSON.parse reads it as the same key.
      '{"\\u005f\\u005fproto\\u005f\\u005f":{"admin":true},"email":"a@b.co","password":"x"}',
    ]) {
      const r = await request(`${s.url}/api/auth/login`, { raw: body, headers: { 'content-type': 'application/json' } });
      expect(r.status).toBe(400);
      expect(r.body.error?.code).toBe('VALIDATION_FAILED');
    }
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  test('a cross-site form cannot act: no cookie session exists, and form bodies are not parsed', async () => {
    const form = await request(`${s.url}/api/auth/login`, {
      raw: 'email=admin%40demo.local&password=demo-password-2026',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' },
    });
    expect(form.status).toBe(415);
    const erase = await request(`${s.url}/api/customers/x/erase`, {
      method: 'POST',
      raw: 'confirm=1',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example', cookie: 'session=anything' },
    });
    expect([401, 415]).toContain(erase.status);
    const preflight = await request(`${s.url}/api/customers/x/erase`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' },
    });
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    expect(preflight.headers['access-control-allow-headers']).toBeUndefined();
  });

  test('pages: the console may be framed by Teams and ourselves only; the chat and home page by ourselves or nobody', async () => {
    const consolePage = await request(`${s.url}/console`);
    const csp = String(consolePage.headers['content-security-policy']);
    const ancestors = /frame-ancestors ([^;]+)/.exec(csp)![1].split(' ');
    expect(ancestors).toContain("'self'");
    expect(ancestors).toContain('https://teams.microsoft.com');
    expect(ancestors.every((a) => a === "'self'" || /^https:\/\/(\*\.)?(teams\.microsoft\.(com|us)|skype\.com|office\.com|cloud\.microsoft)$/.test(a))).toBe(
      true,
    );
    expect(csp).toContain("script-src 'self'");
    expect(consolePage.headers['x-content-type-options']).toBe('nosniff');
    const chat = await request(`${s.url}/chat`);
    expect(String(chat.headers['content-security-policy'])).toContain("frame-ancestors 'self'");
    const home = await request(`${s.url}/`);
    expect(String(home.headers['content-security-policy'])).toContain("default-src 'none'");
  });

  test('a console socket whose Origin differs from ours in scheme, host or port is refused', async () => {
    const staff = await createStaff(s.app);
    const port = new URL(s.url).port;
    const outcome = (origin: string) =>
      new Promise<string>((resolve) => {
        const socket = connect(s.url, staff.token, { reconnection: false, extraHeaders: { origin } });
        socket.once('connect', () => (resolve('connected'), socket.disconnect()));
        socket.once('connect_error', (err: Error & { data?: { code?: string } }) => (resolve(err.data?.code ?? err.message), socket.disconnect()));
      });
    expect(await outcome(`http://127.0.0.1:${port}`)).toBe('connected');
    expect(await outcome(`https://127.0.0.1:${port}`)).toBe('AUTH_ORIGIN_FORBIDDEN');
    expect(await outcome(`http://127.0.0.1:${Number(port) + 1}`)).toBe('AUTH_ORIGIN_FORBIDDEN');
    expect(await outcome('http://evil.example')).toBe('AUTH_ORIGIN_FORBIDDEN');
    expect(await outcome('null')).toBe('AUTH_ORIGIN_FORBIDDEN');
  });
});

test('T23 behind PUBLIC_URL (https): HSTS on answers, and only that exact origin opens console sockets', async () => {
  const s = await startSecurityApp({ PUBLIC_URL: 'https://crm.example' });
  try {
    const r = await request(`${s.url}/healthz`);
    expect(r.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    const staff = await createStaff(s.app);
    const outcome = (origin: string) =>
      new Promise<string>((resolve) => {
        const socket = connect(s.url, staff.token, { reconnection: false, extraHeaders: { origin } });
        socket.once('connect', () => (resolve('connected'), socket.disconnect()));
        socket.once('connect_error', (err: Error & { data?: { code?: string } }) => (resolve(err.data?.code ?? err.message), socket.disconnect()));
      });
    expect(await outcome('https://crm.example')).toBe('connected');
    expect(await outcome('http://crm.example')).toBe('AUTH_ORIGIN_FORBIDDEN');
    expect(await outcome(s.url)).toBe('AUTH_ORIGIN_FORBIDDEN');
  } finally {
    await s.stop();
  }
});
