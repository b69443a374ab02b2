/**
 * T03: an invalid configuration never starts the service. The real entry point (app/main.ts) runs in a child
 * process: it must exit with code 78 (EX_CONFIG) before listening, name every problem at once on stderr, print no
 * stack trace, and echo no secret it was given.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runTs } from '../helpers/runTs';

function run(env: Record<string, string>) {
  // Only what we give: nothing from the test runner's environment may make the configuration valid.
  return runTs('app/main.ts', [], {
    PATH: process.env.PATH ?? '',
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: path.join(os.tmpdir(), 'crm-t03-never-created.sqlite'),
    ...env,
  });
}

const SECRET_SPACES = ' '.repeat(32);
const PASSWORD = 'bot-app-password-that-must-not-leak';

test('T03 production with every classic mistake at once: exit 78, every problem named, nothing else printed', async () => {
  const r = await run({
    NODE_ENV: 'production',
    MicrosoftAppType: 'UserAssignedMSI',
    MicrosoftAppId: '00000000-0000-0000-0000-000000000001',
    MicrosoftAppPassword: PASSWORD,
    SESSION_SECRET: SECRET_SPACES,
    DEMO_ACCOUNTS: 'true',
    TEAMS_APP_ID: 'tab-app',
    TRUSTED_SERVICE_URLS: 'default,http://channel.example',
    WEBHOOK_URL: 'https://hooks.example/crm',
  });
  expect(r.code).toBe(78);
  for (const setting of [
    'MicrosoftAppTenantId',
    'SESSION_SECRET',
    'PUBLIC_URL',
    'DEMO_ACCOUNTS',
    'TEAMS_ALLOWED_TENANTS',
    'TRUSTED_SERVICE_URLS',
    'WEBHOOK_URL',
  ]) {
    expect(r.stderr).toContain(setting);
  }
  expect(r.stderr).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/); // no stack trace
  expect(r.stderr).not.toContain(PASSWORD);
  expect(r.stdout).not.toContain('listening');
});

test.each([
  [
    'UserAssignedMSI without a tenant (development)',
    { MicrosoftAppType: 'UserAssignedMSI', MicrosoftAppId: '00000000-0000-0000-0000-000000000001', PUBLIC_URL: 'https://bot.example' },
    'MicrosoftAppTenantId',
  ],
  [
    'Bot Framework credentials without PUBLIC_URL (development)',
    { MicrosoftAppId: '00000000-0000-0000-0000-000000000001', MicrosoftAppPassword: PASSWORD },
    'PUBLIC_URL',
  ],
])('T03 %s: exit 78', async (_name, env, setting) => {
  const r = await run(env);
  expect(r.code).toBe(78);
  expect(r.stderr).toContain(setting);
  expect(r.stderr).not.toContain(PASSWORD);
  expect(r.stdout).not.toContain('listening');
});

describe('T03 KNOWLEDGE_FILE is checked with the other settings', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-t03-knowledge-'));
  const write = (name: string, text: string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
  };
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test.each([
    ['a missing file', () => path.join(dir, 'nonexistent.json'), /KNOWLEDGE_FILE: cannot read .*nonexistent\.json \(no such file\)/],
    ['invalid JSON', () => write('broken.json', '{ "returns": { "en": "30 days", '), /KNOWLEDGE_FILE: .*broken\.json is not valid JSON \(/],
    ['a list, not an object of articles', () => write('list.json', '["returns"]'), /KNOWLEDGE_FILE: .*list\.json must hold a JSON object of articles/],
    [
      'no article with both answers',
      () => write('empty.json', '{"returns": {"en": "30 days"}}'),
      /KNOWLEDGE_FILE: .*empty\.json holds no article with "en" and "es" answers/,
    ],
  ])('%s: exit 78, the file and the problem named with every other problem, no stack trace', async (_name, file, said) => {
    const r = await run({ KNOWLEDGE_FILE: file(), WEBHOOK_URL: 'https://hooks.example/crm' });
    expect(r.code).toBe(78);
    expect(r.stderr).toMatch(said);
    expect(r.stderr).toContain('WEBHOOK_URL and WEBHOOK_SECRET go together');
    expect(r.stderr).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/);
    expect(r.stderr).not.toContain('SyntaxError');
    expect(r.stdout).not.toContain('listening');
  });
});
