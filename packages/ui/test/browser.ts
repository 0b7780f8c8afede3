/**
 * Headless Debian chromium through playwright-core (never a downloaded browser), with a recorder of
 * page errors, console errors and API requests per page, and an axe-core accessibility check.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { BrowserContext, Page } from 'playwright-core';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--force-device-scale-factor=1',
  '--font-render-hinting=none',
  '--hide-scrollbars',
];

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

export async function launch(): Promise<Browser> {
  const profile = await mkdtemp(join(tmpdir(), 'mlflow-ts-ui-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 800 },
    deviceScaleFactor: 1,
    reducedMotion: 'reduce',
    timezoneId: 'UTC',
    locale: 'en-US',
  });
  return {
    context,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

export interface Recorded {
  page: Page;
  errors: string[];
  /** API requests: `METHOD path?query` (relative to the server), and POST bodies. */
  requests: { method: string; path: string; body?: string }[];
  clear(): void;
}

export async function openPage(browser: Browser, baseUrl: string): Promise<Recorded> {
  const page = await browser.context.newPage();
  const rec: Recorded = {
    page,
    errors: [],
    requests: [],
    clear() {
      rec.errors.length = 0;
      rec.requests.length = 0;
    },
  };
  page.on('pageerror', (e) => rec.errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') rec.errors.push(`console: ${m.text()}`);
  });
  page.on('request', (r) => {
    const url = r.url();
    if (!url.startsWith(baseUrl) && !url.startsWith(`blob:${baseUrl}/`) && !url.startsWith('data:')) {
      rec.errors.push(`request outside the server: ${url}`);
      return;
    }
    const path = url.slice(baseUrl.length);
    if (path.startsWith('/ajax-api/') || path.startsWith('/get-artifact') || path.startsWith('/model-versions/')) {
      rec.requests.push({ method: r.method(), path, body: r.postData() ?? undefined });
    }
  });
  return rec;
}

const require = createRequire(import.meta.url);
let axeSource: string | undefined;

/** axe-core's violations on the page (rules at WCAG A/AA), as `rule: target` lines. */
export async function axeViolations(page: Page): Promise<string[]> {
  // Evaluated over CDP (not a <script>), so the UI's own CSP keeps applying to the page.
  axeSource ??= await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run(ctx: unknown, opts: unknown): Promise<{ violations: { id: string; nodes: { target: unknown[] }[] }[] }>;
        };
      }
    ).axe;
    const r = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return r.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${JSON.stringify(n.target)}`));
  });
}
