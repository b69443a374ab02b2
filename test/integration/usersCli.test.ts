import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runUsersCli } from '../../app/usersCli';

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
