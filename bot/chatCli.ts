import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import readline from 'node:readline';
import { parseArgs } from 'node:util';

/**
 * `npm run chat [-- --url http://localhost:3978] [--locale es-ES]`: a terminal customer that talks to a running
 * bot through POST /api/messages with deliveryMode expectReplies (local, unauthenticated bots only).
 *
 * The bot's answers to each line come back in that line's HTTP answer. What comes later (an agent's replies after a
 * handoff, queue and closing notices) the bot sends to the conversation's serviceUrl, as to any Bot Framework
 * channel: for a bot on this machine the CLI is that channel, a small Bot Framework connector on 127.0.0.1 (trusted
 * by default while the bot has no credentials; see TRUSTED_SERVICE_URLS). For a bot elsewhere nothing could reach this
 * terminal, so the CLI gives a service URL the bot does not trust: the bot then answers but never queues the chat for
 * a person whose replies would be lost (bot/supportBot.ts, canReachLater), and says so.
 */

/** Where the bot can write back outside a turn: only a bot on this machine reaches 127.0.0.1. */
export function botOnThisMachine(url: string): boolean {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/** A service URL no bot trusts (the `.invalid` domain never resolves): answers in the turn only. */
export const NO_CALLBACK = 'https://no-callback.chat-cli.invalid';

const MAX_BODY_BYTES = 1024 * 1024;

/**
 * The CLI's side of the Bot Framework connector API: POST /v3/conversations/{id}/activities[/{replyToId}], the calls
 * a bot makes to send to a conversation. Message activities of our conversation are handed to `show`; anything else
 * gets 404, as a channel would answer.
 */
export async function startCallback(
  conversationId: string,
  show: (activity: { type?: string; text?: string }) => void,
): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const m = req.url?.match(/^\/v3\/conversations\/([^/?]+)\/activities(?:\/[^/?]+)?$/);
    if (req.method !== 'POST' || !m || decodeURIComponent(m[1]) !== conversationId) {
      res.writeHead(404);
      res.end();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (d: Buffer) => {
      size += d.length;
      if (size > MAX_BODY_BYTES) req.destroy();
      else chunks.push(d);
    });
    req.on('end', () => {
      let activity: { type?: string; text?: string };
      try {
        activity = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { type?: string; text?: string };
      } catch {
        res.writeHead(400);
        res.end();
        return;
      }
      show(activity);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: randomUUID() }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // The bot's connector keeps its connections alive: they would hold the CLI open after Ctrl-D.
        server.closeAllConnections();
      }),
  };
}

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
  // Written while the prompt waits: on a line of its own, the prompt (and what was typed) shown again after it.
  const say = (line: string) => {
    if (process.stdout.isTTY) {
      readline.clearLine(process.stdout, 0);
      readline.cursorTo(process.stdout, 0);
    } else process.stdout.write('\n');
    process.stdout.write(`${line}\n`);
    rl.prompt(true);
  };
  const callback = botOnThisMachine(url)
    ? await startCallback(conversation.id, (a) => {
        if (a.type === 'message' && a.text) say(`support> ${a.text}`);
      })
    : undefined;
  process.stdout.write(`Talking to ${url}/api/messages as ${from.id} (Ctrl-D to quit)\n`);
  if (callback) process.stdout.write(`Replies from a person (after a handoff) arrive at ${callback.url} while this runs\n`);
  else process.stdout.write(`The bot is not on this machine: it can answer each line, but nobody can write back here, so it will not hand you to a person\n`);
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
            serviceUrl: callback?.url ?? NO_CALLBACK,
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
  await callback?.close();
}

if (require.main === module) void main();
