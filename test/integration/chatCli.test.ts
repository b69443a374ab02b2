import { spawn } from 'node:child_process';
import path from 'node:path';
import { startTestApp, type RunningApp } from '../helpers/testApp';

test('npm run chat talks to a running bot through /api/messages', async () => {
  const running: RunningApp = await startTestApp();
  try {
    const child = spawn(
      process.execPath,
      ['-r', path.join(__dirname, 'helpers', 'registerTs.js'), path.join(__dirname, '..', '..', 'bot', 'chatCli.ts'), '--url', running.url],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stdin.write('where is my order 12345\n');
    await new Promise<void>((resolve) => {
      const t = setInterval(() => {
        if (/bot> .*e-mail address the order was placed with/.test(out)) {
          clearInterval(t);
          resolve();
        }
      }, 50);
    });
    child.stdin.write('ana@example.com\n');
    await new Promise<void>((resolve) => {
      const t = setInterval(() => {
        if (/bot> Order 12345 has shipped/.test(out)) {
          clearInterval(t);
          resolve();
        }
      }, 50);
    });
    child.stdin.end();
    await new Promise((r) => child.on('exit', r));
    expect(out).toMatch(/Talking to http:\/\/127\.0\.0\.1:\d+\/api\/messages/);
    expect(out).toMatch(/bot> Order 12345 has shipped with DHL/);
  } finally {
    await running.stop();
  }
});
