/** One browser page on the fixture server for a test file: started before its tests, closed after. */
import { afterAll, beforeAll, inject } from 'vitest';
import { launch, openPage } from './browser.js';
import type { Browser, Recorded } from './browser.js';
import { startFixture } from './fixture-server.js';
import type { Fixture } from './fixture-server.js';

export function withFixturePage(onReady: (fx: Fixture, rec: Recorded) => void): void {
  let fx: Fixture | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    fx = await startFixture(inject('uiDist'));
    browser = await launch();
    onReady(fx, await openPage(browser, fx.baseUrl));
  });
  afterAll(async () => {
    await browser?.close();
    await fx?.close();
  });
}
