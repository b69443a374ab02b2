import { loadConfig } from '../core/config';
import { isAppError } from '../core/errors';
import { createLogger } from '../core/logger';

const EX_CONFIG = 78;

/** Entry point: load config, build, listen, and shut down gracefully on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    process.stderr.write(`${isAppError(err) ? err.message : String(err)}\n`);
    process.exit(EX_CONFIG);
  }
  const log = createLogger(config.logLevel);
  // Loaded only once the configuration is known to be valid: a bad one exits at once, before any of it loads.
  const { buildApp } = await import('./app');
  const app = await buildApp(config, log);
  await new Promise<void>((resolve) => app.httpServer.listen(config.port, config.host, resolve));
  const addr = app.httpServer.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.port;
  log.info({ port, store: app.store.kind, env: config.env, anonymousBot: config.bot.anonymous }, `listening on http://localhost:${port}`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      log.warn({ signal }, 'second signal during shutdown; exiting now');
      process.exit(1);
    }
    stopping = true;
    log.info({ signal }, 'shutting down');
    // A last resort if something hangs past the delay and the grace period.
    const force = setTimeout(
      () => {
        log.error('shutdown took too long; exiting');
        process.exit(1);
      },
      (config.shutdown.delaySeconds + config.shutdown.graceSeconds + 10) * 1000,
    );
    force.unref();
    app.shutdown().then(
      () => process.exit(0),
      (err) => {
        log.error({ err }, 'error during shutdown');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled rejection'));
}

main().catch((err: unknown) => {
  // Anything that rejects the configuration while building (a library's own check) is a configuration error too.
  if (isAppError(err, 'CONFIG_INVALID')) {
    process.stderr.write(`${err.message}\n`);
    process.exit(EX_CONFIG);
  }
  const stack = (err as { stack?: unknown } | null | undefined)?.stack;
  process.stderr.write(`fatal: ${String(stack ?? err)}\n`);
  process.exit(1);
});
