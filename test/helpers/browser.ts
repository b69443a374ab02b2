import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's chromium (`apt-get install -y chromium`); never a downloaded browser. */
export function chromiumPath(): string | undefined {
  try {
    const p = execFileSync('which', ['chromium'], { encoding: 'utf8' }).trim();
    return p && fs.existsSync(p) ? p : undefined;
  } catch {
    return undefined;
  }
}

/** In CI (CI=true) or with REQUIRE_BROWSER=1 a missing browser fails the suite instead of skipping it. */
export function browserRequired(): boolean {
  return process.env.CI === 'true' || process.env.REQUIRE_BROWSER === '1';
}

export function describeBrowser(name: string, fn: () => void): void {
  if (!chromiumPath()) {
    if (browserRequired()) {
      describe(name, () => {
        test('needs Debian chromium', () => {
          throw new Error('chromium is not installed: run `apt-get install -y chromium` (CI requires the browser tests)');
        });
      });
      return;
    }
    console.warn(`${name}: SKIPPED because chromium is not installed (apt-get install -y chromium); CI=true makes this a failure.`);
    describe.skip(name, fn); // reason: no chromium outside CI; jest reports it as skipped and the warning above says why
    return;
  }
  describe(name, fn);
}

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

export const ARTIFACTS = path.join(__dirname, '..', '..', 'test-artifacts');

export function artifact(name: string): string {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  return path.join(ARTIFACTS, name);
}

/** Signs in on the console page at `url` and waits for the inbox. */
export async function signInConsole(page: Page, url: string, email: string, password: string): Promise<void> {
  await page.goto(`${url}/console`);
  await page.fill('#email', email);
  await page.fill('#password', password);
  await page.click('#sign-in');
  await page.locator('#inbox').waitFor();
}
