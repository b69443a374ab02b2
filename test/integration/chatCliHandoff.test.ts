import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import { botOnThisMachine, NO_CALLBACK } from '../../bot/chatCli';
import { loadConfig } from '../../core/config';
import { TrustedServiceUrls } from '../../core/serviceUrls';
import type { Conversation } from '../../models/records';
import { createStaff, nextEvent, online, request } from '../helpers/consoleClient';
import { startTestApp, type RunningApp } from '../helpers/testApp';

/** `npm run chat` as a person runs it (the TypeScript entry point through the transpile-only hook), its output kept. */
function chatCli(url: string): { child: ChildProcessWithoutNullStreams; out: () => string; until(re: RegExp): Promise<void>; quit(): Promise<void> } {
  const child = spawn(
    process.execPath,
    ['-r', path.join(__dirname, 'helpers', 'registerTs.js'), path.join(__dirname, '..', '..', 'bot', 'chatCli.ts'), '--url', url, '--name', 'Terry Terminal'],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise((r) => child.on('exit', r));
  return {
    child,
    out: () => out,
    until: (re) =>
      new Promise<void>((resolve) => {
        const t = setInterval(() => {
          if (re.test(out)) {
            clearInterval(t);
            resolve();
          }
        }, 50);
      }),
    async quit() {
      child.stdin.end();
      await exited;
    },
  };
}

async function cliConversation(running: RunningApp): Promise<Conversation> {
  for (;;) {
    const c = (await running.app.store.listConversations({ limit: 50 })).find((x) => x.channelId === 'cli');
    if (c) return c;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * The chat CLI queued customers nobody could answer: its service URL (`<bot>/cli-no-callback`) was trusted but answered
 * nothing, so every agent reply failed. Now the CLI is its own little channel on 127.0.0.1 and an agent's reply is
 * printed in the terminal; where the bot cannot reach it, nobody is queued and the bot says why.
 */
describe('npm run chat after a handoff', () => {
  test("a person's reply reaches the terminal, and the terminal's next line reaches the person", async () => {
    const running = await startTestApp();
    const cli = chatCli(running.url);
    try {
      const agent = await createStaff(running.app, { name: 'Ann Agent' });
      const socket = await online(running.app, running.url, agent);
      await cli.until(/Replies from a person \(after a handoff\) arrive at http:\/\/127\.0\.0\.1:\d+/);
      cli.child.stdin.write('I want to talk to a human\n');
      await cli.until(/bot> .*in the queue/);
      const conv = await cliConversation(running);
      expect((await running.app.store.getConversation(conv.id))?.state).toBe('queued');
      expect((await request(socket, 'conversation:claim', { conversationId: conv.id })).ok).toBe(true);
      // The send's answer is its delivery: HANDOFF_DELIVERY_FAILED on the old CLI's service URL.
      const sent = await request(socket, 'message:send', { conversationId: conv.id, text: 'Hello Terry, Ann here. How can I help?', clientMessageId: 'cli-1' });
      expect(sent.error?.code).toBeUndefined();
      await cli.until(/support> Hello Terry, Ann here\. How can I help\?/);

      const relayed = nextEvent<{ message: { role: string; text: string } }>(socket, 'message:new', (p) => p.message.role === 'customer');
      cli.child.stdin.write('my parcel never came\n');
      expect((await relayed).message.text).toBe('my parcel never came');
      socket.disconnect();
    } finally {
      await cli.quit();
      await running.stop();
    }
  });

  test('a bot that does not trust the terminal does not queue it and says why', async () => {
    const running = await startTestApp({ TRUSTED_SERVICE_URLS: 'https://*.botframework.com' });
    const cli = chatCli(running.url);
    try {
      cli.child.stdin.write('I want to talk to a human\n');
      await cli.until(/bot> A person cannot reach you on this connection/);
      const conv = await cliConversation(running);
      expect((await running.app.store.getConversation(conv.id))?.state).toBe('bot');
    } finally {
      await cli.quit();
      await running.stop();
    }
  });

  test('only a bot on this machine gets the terminal as its channel; elsewhere the CLI gives a service URL no bot trusts', () => {
    for (const url of ['http://localhost:3978', 'http://127.0.0.1:40123', 'http://[::1]:3978']) expect(botOnThisMachine(url)).toBe(true);
    for (const url of ['https://bot.example.com', 'http://10.0.0.5:3978', 'http://localhost.example.com:3978']) expect(botOnThisMachine(url)).toBe(false);
    const trusted = new TrustedServiceUrls(loadConfig({ NODE_ENV: 'test' }).trustedServiceUrls);
    expect(trusted.isTrusted(NO_CALLBACK)).toBe(false);
    expect(trusted.isTrusted('http://127.0.0.1:40123')).toBe(true);
  });
});
