import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { buildApp, type App, type AppDeps } from '../../app/app';
import { loadConfig } from '../../core/config';
import { createLogger } from '../../core/logger';
import { sharedRecognizer } from './sharedRecognizer';
import { TEST_PASSWORD_HASH_COST } from './testHashCost';

export interface RunningApp {
  app: App;
  url: string;
  port: number;
  dir: string;
  stop(): Promise<void>;
}

/** Builds the real app on a fresh embedded store in a temp dir, listening on port 0. */
/**
 * QUEUE_SWEEP_SECONDS for suites that run the queue's sweep themselves at chosen times: the app's own sweep, at the
 * real time, would otherwise now and then take a notice or an offer the suite's sweep expects to make.
 */
export const OWN_SWEEP_OFF = '86400';

export async function startTestApp(env: Record<string, string> = {}, deps: AppDeps = {}): Promise<RunningApp> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-app-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: path.join(dir, 'crm.sqlite'),
    SQLITE_SYNCHRONOUS: 'normal',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    PORT: '0',
    HOST: '127.0.0.1',
    PASSWORD_HASH_COST: TEST_PASSWORD_HASH_COST,
    ...env,
  });
  const app = await buildApp(config, createLogger(config.logLevel), { recognizer: await sharedRecognizer(), ...deps });
  await new Promise<void>((resolve) => app.httpServer.listen(0, '127.0.0.1', resolve));
  const port = (app.httpServer.address() as AddressInfo).port;
  return {
    app,
    port,
    url: `http://127.0.0.1:${port}`,
    dir,
    async stop() {
      await app.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
