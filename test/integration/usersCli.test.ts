import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runUsersCli } from '../../app/usersCli';
import { connect, connected, nextEvent } from '../helpers/consoleClient';
import { startTestApp, type RunningApp } from '../helpers/testApp';

test('users CLI adds, lists and updates accounts in the configured store', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'users-cli-'));
  const env = { NODE_ENV: 'test', DATABASE_URL: path.join(dir, 'crm.sqlite') };
  let out = '';
  const w = (s: string) => void (out += s);
  expect(
    await runUsersCli(
      ['add', '--email', 'Eva@Example.com', '--name', 'Eva', '--role', 'agent', '--skills', 'orders,billing', '--languages', 'en,es', '--capacity', '4'],
      env,
      w,
    ),
  ).toBe(0);
  expect(out).toMatch(/added eva@example\.com \(agent\); password: \S{16}/);
  expect(await runUsersCli(['add', '--email', 'eva@example.com', '--name', 'Eva', '--role', 'agent'], env, w)).toBe(1);
  expect(out).toContain('STORE_CONFLICT');
  expect(await runUsersCli(['add', '--email', 'x@example.com', '--name', 'X', '--role', 'king'], env, w)).toBe(2);
  expect(await runUsersCli(['update', '--email', 'eva@example.com', '--role', 'supervisor'], env, w)).toBe(0);
  out = '';
  expect(await runUsersCli(['list'], env, w)).toBe(0);
  expect(out).toBe('eva@example.com\tsupervisor\tEva\tskills=orders,billing\tlanguages=en,es\tcapacity=4\n');
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('users CLI against a running service (same store, another process in production)', () => {
  let running: RunningApp;
  let env: NodeJS.ProcessEnv;
  let out = '';
  const w = (s: string) => void (out += s);
  const cli = (...args: string[]) => runUsersCli(args, env, w);
  const login = (email: string, password: string) =>
    fetch(`${running.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  const me = (token: string) => fetch(`${running.url}/api/auth/me`, { headers: { authorization: `Bearer ${token}` } });

  beforeAll(async () => {
    running = await startTestApp({ CONSOLE_SESSION_CHECK_SECONDS: '1' });
    env = { NODE_ENV: 'test', DATABASE_URL: path.join(running.dir, 'crm.sqlite') };
  });
  afterAll(() => running.stop());
  beforeEach(() => (out = ''));

  test('update --password changes it: the old one no longer signs in, and sessions from before it are void (audited)', async () => {
    expect(await cli('add', '--email', 'pat@example.com', '--name', 'Pat', '--role', 'agent', '--password', 'first long password 1')).toBe(0);
    const before = (await (await login('pat@example.com', 'first long password 1')).json()) as { token: string };
    expect(await cli('update', '--email', 'pat@example.com', '--password', 'second long password 2')).toBe(0);
    expect(out).toContain('password changed');
    expect((await login('pat@example.com', 'first long password 1')).status).toBe(401);
    expect((await login('pat@example.com', 'second long password 2')).status).toBe(200);
    const old = await me(before.token);
    expect(old.status).toBe(401);
    expect(((await old.json()) as { error: { code: string } }).error.code).toBe('AUTH_REVOKED');
    const audit = await running.app.store.listAudit({ action: 'user.update' });
    expect(audit.at(-1)?.data).toMatchObject({ password: 'changed', signedOut: true });
    expect(JSON.stringify(audit)).not.toContain('second long password');
    // A weak one is refused and changes nothing.
    expect(await cli('update', '--email', 'pat@example.com', '--password', 'short')).toBe(1);
    expect(out).toContain('AUTH_PASSWORD_WEAK');
    expect((await login('pat@example.com', 'second long password 2')).status).toBe(200);
  });

  test('disable ends the open console socket and refuses sign-in; enable lets the account sign in again', async () => {
    expect(await cli('add', '--email', 'dee@example.com', '--name', 'Dee', '--role', 'agent', '--password', 'dee long password 1')).toBe(0);
    const { token } = (await (await login('dee@example.com', 'dee long password 1')).json()) as { token: string };
    const socket = connect(running.url, token, { reconnection: false });
    await connected(socket);
    const ended = nextEvent<{ code: string }>(socket, 'session:ended');
    const gone = new Promise<void>((resolve) => socket.once('disconnect', () => resolve()));
    expect(await cli('disable', '--email', 'dee@example.com')).toBe(0);
    expect(await ended).toEqual({ code: 'AUTH_DISABLED' });
    await gone;
    const refused = await login('dee@example.com', 'dee long password 1');
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('AUTH_DISABLED');
    expect((await me(token)).status).toBe(403);
    out = '';
    expect(await cli('list')).toBe(0);
    expect(out).toMatch(/dee@example\.com\tagent\tDee\t.*\tdisabled\n/);
    expect(await cli('enable', '--email', 'dee@example.com')).toBe(0);
    expect((await login('dee@example.com', 'dee long password 1')).status).toBe(200);
    // The session from before the disable stays void.
    expect((await me(token)).status).toBe(401);
    expect((await running.app.store.listAudit({ action: 'user.disable' })).length).toBe(1);
    expect((await running.app.store.listAudit({ action: 'user.enable' })).length).toBe(1);
  });

  test.each([
    [['--capacity', 'abc'], /capacity must be a whole number from 0 to 50/],
    [['--capacity=-5'], /capacity must be a whole number from 0 to 50/],
    [['--capacity', '5000'], /capacity must be a whole number from 0 to 50/],
    [['--languages', 'klingon'], /languages must be a comma-separated list of en, es \(not klingon\)/],
    [['--role', 'root'], /unknown role "root": one of agent, supervisor, admin/],
  ])('update %j is refused with exit 2, saying why, and changes nothing', async (args, said) => {
    if (!(await running.app.store.getUserByEmail('val@example.com')))
      expect(await cli('add', '--email', 'val@example.com', '--name', 'Val', '--role', 'agent', '--capacity', '3')).toBe(0);
    const before = await running.app.store.getUserByEmail('val@example.com');
    expect(await cli('update', '--email', 'val@example.com', ...args)).toBe(2);
    expect(out).toMatch(said);
    expect(await running.app.store.getUserByEmail('val@example.com')).toEqual(before);
    expect(await cli('add', '--email', 'val2@example.com', '--name', 'Val Two', '--role', 'agent', ...args)).toBe(2);
  });

  test('capacity, languages and role changes are audited with before and after', async () => {
    expect(await cli('add', '--email', 'aud@example.com', '--name', 'Aud', '--role', 'agent', '--capacity', '3', '--languages', 'en')).toBe(0);
    expect(await cli('update', '--email', 'aud@example.com', '--capacity', '5', '--languages', 'en,es', '--role', 'supervisor')).toBe(0);
    const u = (await running.app.store.getUserByEmail('aud@example.com'))!;
    expect(u).toMatchObject({ capacity: 5, languages: ['en', 'es'], role: 'supervisor' });
    const entries = await running.app.store.listAudit({ targetId: u.id });
    expect(entries.find((e) => e.action === 'user.update')?.data).toMatchObject({
      capacity: { from: 3, to: 5 },
      languages: { from: ['en'], to: ['en', 'es'] },
      signedOut: true,
    });
    expect(entries.find((e) => e.action === 'user.role_change')?.data).toEqual({ from: 'agent', to: 'supervisor' });
  });
});
