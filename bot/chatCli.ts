import { randomUUID } from 'node:crypto';
import os from 'node:os';
import readline from 'node:readline';
import { parseArgs } from 'node:util';

/**
 * `npm run chat [-- --url http://localhost:3978] [--locale es-ES]`: a terminal customer that talks to a running
 * bot through POST /api/messages with deliveryMode expectReplies (local, unauthenticated bots only).
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      url: { type: 'string', default: 'http://localhost:3978' },
      locale: { type: 'string', default: 'en-US' },
      user: { type: 'string', default: `cli-user-${os.userInfo().username}` },
      name: { type: 'string', default: 'Terminal Customer' },
    },
  });
  const url = values.url.replace(/\/$/, '');
  const locale = values.locale;
  const conversation = { id: `cli-${randomUUID()}` };
  const from = { id: values.user, name: values.name };
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout, prompt: 'you> ' });
  process.stdout.write(`Talking to ${url}/api/messages as ${from.id} (Ctrl-D to quit)\n`);
  rl.prompt();
  for await (const line of rl) {
    const text = line.trim();
    if (text) {
      try {
        const res = await fetch(`${url}/api/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            type: 'message',
            id: randomUUID(),
            channelId: 'cli',
            serviceUrl: `${url}/cli-no-callback`,
            conversation,
            from,
            recipient: { id: 'bot' },
            text,
            locale,
            deliveryMode: 'expectReplies',
          }),
        });
        const body = (await res.json().catch(() => ({}))) as { activities?: { type: string; text?: string }[]; error?: { code: string; message: string } };
        if (!res.ok) process.stdout.write(`[${res.status} ${body.error?.code ?? ''}] ${body.error?.message ?? ''}\n`);
        for (const a of body.activities ?? []) if (a.type === 'message') process.stdout.write(`bot> ${a.text ?? ''}\n`);
      } catch (err) {
        process.stdout.write(`could not reach ${url}: ${(err as Error).message}\n`);
      }
    }
    rl.prompt();
  }
}

void main();
