/**
 * An auth-protected server: the UI's files load without credentials, the first API call's 401 opens
 * the sign-in form, and the credentials then travel in the Authorization header, never in the URL.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launch, openPage } from './browser.js';
import type { Browser } from './browser.js';
import { startFixture } from './fixture-server.js';
import type { Fixture } from './fixture-server.js';

let fx: Fixture;
let browser: Browser;

beforeAll(async () => {
  fx = await startFixture(inject('uiDist'), { auth: { users: [{ username: 'ada', password: 's3cret-pass!' }] } });
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
  await fx?.close();
});

describe('sign-in', () => {
  it('prompts, then sends the credentials in a header', async () => {
    const rec = await openPage(browser, fx.baseUrl);
    const headers: (string | undefined)[] = [];
    rec.page.on('request', (r) => {
      if (r.url().includes('/ajax-api/')) headers.push(r.headers().authorization);
    });
    await rec.page.goto(`${fx.baseUrl}/#/experiments`);
    const dialog = rec.page.getByRole('dialog', { name: 'Sign in' });

    await dialog.waitFor();
    await dialog.getByLabel('Username', { exact: true }).fill('ada');
    await dialog.getByLabel('Password', { exact: true }).fill('s3cret-pass!');
    await dialog.getByRole('button', { name: 'Sign in' }).click();
    await rec.page.getByRole('link', { name: 'iris-classifier' }).waitFor();
    expect(headers[0]).toBeUndefined();
    expect(headers[headers.length - 1]).toBe(`Basic ${Buffer.from('ada:s3cret-pass!').toString('base64')}`);
    expect(rec.page.url()).not.toContain('s3cret');
    expect(rec.page.url()).not.toContain('ada');
    // the only errors: the 401 before signing in
    expect(rec.errors.filter((e) => !e.includes('status of 401'))).toEqual([]);
    await rec.page.close();
  });
});
