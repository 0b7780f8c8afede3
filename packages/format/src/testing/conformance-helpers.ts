/** Shared pieces of the conformance suites. */
import { afterAll, beforeAll, expect } from 'vitest';
import type { Page } from '../entities.js';
import { MlflowError, type ErrorCode } from '../errors.js';

/** Awaits `action` and asserts it rejected with an MlflowError of `code`; returns the error. */
export async function expectMlflowError(
  action: Promise<unknown> | (() => Promise<unknown>),
  code: ErrorCode,
): Promise<MlflowError> {
  let caught: unknown;
  try {
    await (typeof action === 'function' ? action() : action);
  } catch (e) {
    caught = e;
  }
  if (caught === undefined) expect.fail(`expected an MlflowError ${code}, but the call succeeded`);
  if (!MlflowError.isInstance(caught)) {
    expect.fail(
      `expected an MlflowError ${code}, got ${caught instanceof Error ? `${caught.name}: ${caught.message}` : String(caught)}`,
    );
  }
  expect(caught.code, `error code (message: ${caught.message})`).toBe(code);
  return caught;
}

/**
 * Calls `fn` and returns the MlflowError it throws (any other error is rethrown); fails the test if
 * `fn` returns, or if `code` is given and the error has another. The synchronous counterpart of
 * `expectMlflowError`, for checking a message.
 */
export function catchMlflowError(fn: () => unknown, code?: ErrorCode): MlflowError {
  try {
    fn();
  } catch (e) {
    if (!MlflowError.isInstance(e)) throw e;
    if (code !== undefined) expect(e.code, `error code (message: ${e.message})`).toBe(code);
    return e;
  }
  return expect.fail('expected an MlflowError, but the call returned');
}

/**
 * Reads a paged listing from its first page, at most 10 pages (a store that never stops paging fails
 * the test instead of hanging): every item, in order, and how many pages it took.
 */
export async function readAllPages<T>(
  fetchPage: (pageToken: string | undefined) => Promise<Page<T>>,
): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const page = await fetchPage(token);
    items.push(...page.items);
    token = page.next_page_token || undefined;
    pages++;
  } while (token && pages < 10);
  return { items, pages };
}

/** A name no other test (or earlier run against a persistent store) uses. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${globalThis.crypto.randomUUID().replace(/-/g, '').slice(0, 12)}`;
}

/** Holds what a suite's setup returned; tests read it lazily because setup runs in beforeAll. */
export interface SuiteContext<T> {
  get(): T;
}

export function createSuiteContext<T>(): SuiteContext<T> & { set(value: T): void } {
  let value: T | undefined;
  return {
    get() {
      if (value === undefined) throw new Error('conformance suite setup has not run (or failed)');
      return value;
    },
    set(v: T) {
      value = v;
    },
  };
}

/**
 * Inside a suite's `describe`: runs `setup` once before its tests (its `store`, mapped by `toValue`,
 * becomes the context's value) and its `cleanup` after them. One lifecycle for every suite.
 */
export function withSuiteSetup<S extends { cleanup?: () => Promise<void> }, T>(
  setup: () => Promise<S>,
  toValue: (s: S) => T,
): SuiteContext<T> {
  const ctx = createSuiteContext<T>();
  let cleanup: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const s = await setup();
    ctx.set(toValue(s));
    cleanup = s.cleanup;
  });
  afterAll(async () => {
    await cleanup?.();
  });
  return ctx;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
