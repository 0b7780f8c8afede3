/**
 * Writers in child processes for the fault tests: `node test/fixtures/log-batches.mjs` over the
 * compiled store (see built-store.ts), with its acknowledgements counted as they arrive, and the
 * exact check every fault test ends with.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { repoRoot } from './temp-store.js';

export const LOG_BATCHES = path.join(repoRoot, 'packages', 'store-fs', 'test', 'fixtures', 'log-batches.mjs');

export interface Writer {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Batch indexes acknowledged so far (the child printed `ack <i>` after its logBatch resolved). */
  readonly acked: number[];
  readonly stderr: string;
  waitForAcks(n: number): Promise<void>;
}

export function startWriter(
  entry: string,
  root: string,
  runId: string,
  key: string,
  batches: number,
  size: number,
  env: Record<string, string> = {},
): Writer {
  const child = spawn(process.execPath, [LOG_BATCHES, entry, root, runId, key, String(batches), String(size)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  const acked: number[] = [];
  let stderr = '';
  let buffered = '';
  const waiters: { n: number; resolve: () => void }[] = [];
  child.stdout!.on('data', (d: Buffer) => {
    buffered += d.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const l of lines) if (l.startsWith('ack ')) acked.push(Number(l.slice(4)));
    for (const w of waiters.filter((x) => acked.length >= x.n)) w.resolve();
  });
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    exited,
    acked,
    get stderr() {
      return stderr;
    },
    waitForAcks: (n) =>
      Promise.race([
        new Promise<void>((resolve) => (acked.length >= n ? resolve() : waiters.push({ n, resolve }))),
        exited.then(({ code, signal }) => {
          if (acked.length < n)
            throw new Error(`writer exited (${code ?? signal}) after ${acked.length} acks: ${stderr}`);
        }),
      ]),
  };
}

/**
 * The exact check: every acknowledged batch's `size` points are in the metric file once, every other
 * batch is there whole or not at all, every line parses, the file ends on a line boundary, and no
 * temp file sits among the params.
 */
export function checkAcknowledged(
  runDir: string,
  key: string,
  size: number,
  acked: Iterable<number>,
): Map<number, number> {
  const text = fs.readFileSync(path.join(runDir, 'metrics', key), 'utf8');
  expect(text === '' || text.endsWith('\n')).toBe(true);
  const perStep = new Map<number, number>();
  for (const line of text.split('\n').slice(0, -1)) {
    const m = /^(\d+) (\d+(?:\.0)?) (\d+)$/.exec(line);
    expect(m, `unparsable line '${line}'`).not.toBeNull();
    const step = Number(m![3]);
    perStep.set(step, (perStep.get(step) ?? 0) + 1);
  }
  for (const b of acked) expect(perStep.get(b), `acknowledged batch ${b}`).toBe(size);
  for (const [step, n] of perStep) expect([0, size], `batch ${step}`).toContain(n);
  const params = fs.existsSync(path.join(runDir, 'params')) ? fs.readdirSync(path.join(runDir, 'params')) : [];
  expect(params.filter((p) => p.includes('.~'))).toEqual([]);
  for (const b of acked) expect(fs.readFileSync(path.join(runDir, 'params', `p${b}`), 'utf8')).toBe(String(b));
  return perStep;
}
