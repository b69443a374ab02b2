import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { artifact } from '../helpers/browser';

const DOCS = path.join(__dirname, '..', '..', 'docs', 'screenshots');

/**
 * A screenshot for test-artifacts/, and with DOCS_SCREENSHOTS=1 also for README (docs/screenshots/, committed):
 * only on request, so an ordinary test run leaves the working tree clean.
 */
export async function shot(page: Page, name: string, fullPage = false): Promise<void> {
  await page.screenshot({ path: artifact(`${name}.png`), fullPage });
  if (process.env.DOCS_SCREENSHOTS === '1') {
    fs.mkdirSync(DOCS, { recursive: true });
    await page.screenshot({ path: path.join(DOCS, `${name}.png`), fullPage });
  }
}
