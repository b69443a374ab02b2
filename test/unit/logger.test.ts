import { Writable } from 'node:stream';
import { createLogger } from '../../core/logger';

test('logs are JSON lines with levels; passwords, tokens, secrets and authorization headers never appear', () => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  const log = createLogger('info', sink);
  log.info(
    {
      password: 'hunter2-password',
      token: 'tok-123',
      user: { password: 'p2', secret: 's3' },
      req: { headers: { authorization: 'Bearer abc' } },
      appPassword: 'bf-secret',
    },
    'sign-in attempt',
  );
  log.debug('not at info level');
  expect(lines).toHaveLength(1);
  const entry = JSON.parse(lines[0]) as Record<string, unknown>;
  expect(entry).toMatchObject({ level: 30, msg: 'sign-in attempt', service: 'social-crm-bot' });
  for (const secret of ['hunter2-password', 'tok-123', 'p2', 's3', 'Bearer abc', 'bf-secret']) expect(lines[0]).not.toContain(secret);
});
