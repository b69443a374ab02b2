import { CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import restify from 'restify';
import { MAX_BODY_BYTES } from '../app/app';
import { bodyParser } from '../core/http';
import { appOn, listen, log } from './benchKit';

/**
 * Child process of the bot section: one bot server on 127.0.0.1 port 0, either `full` (the whole app of the build
 * this file sits in, its store in DIR) or `echo` (the bare botbuilder echo bot on the app's body reading, so the
 * ratio is the cost of the pipeline alone). Prints `{"url": …}` once listening; closes and exits when its stdin
 * ends, so a parent that dies leaves no server behind. Copied into an older build's dist/bench, it serves that
 * build: `--bot-baseline` measures a previous build side by side.
 * Arguments: full|echo DIR [MODEL_CACHE] (the trained recognizer's cache, shared so that one server trains it).
 */
async function echoBot(): Promise<{ url: string; close: () => Promise<void> }> {
  const echo = restify.createServer();
  echo.use(bodyParser(log, MAX_BODY_BYTES));
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
  echo.post('/api/messages', async (req, res) => {
    await adapter.process(req, res, async (ctx) => {
      if (ctx.activity.type === 'message') await ctx.sendActivity(`echo: ${ctx.activity.text}`);
    });
  });
  const url = await listen(echo.server);
  return {
    url,
    close: () =>
      new Promise<void>((r) => {
        echo.close(() => r());
      }),
  };
}

async function main(): Promise<void> {
  const [kind, dir, modelCache] = [process.argv[2], process.argv[3], process.argv[4]];
  if ((kind !== 'full' && kind !== 'echo') || !dir) {
    process.stderr.write('usage: node botServer.js full|echo DIR [MODEL_CACHE]\n');
    process.exit(2);
  }
  const server =
    kind === 'echo'
      ? await echoBot()
      : await appOn(dir, modelCache ? { NLU_MODEL_CACHE: modelCache } : {}).then(({ app, url }) => ({ url, close: () => app.close() }));
  process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => void server.close().then(() => process.exit(0)));
}

void main();
