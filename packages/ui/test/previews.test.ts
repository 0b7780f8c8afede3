/**
 * Parquet, PDF and ONNX previews in Debian's chromium, on files real libraries wrote: a Parquet table
 * written here by hyparquet-writer, a PDF made by pdf-lib, ONNX models skl2onnx and onnx wrote (the
 * repository's fixtures). They are uploaded to a run through the server's upload-artifact endpoint.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { PNG } from 'pngjs';
import type { Route } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { axeViolations } from './browser.js';
import type { Recorded } from './browser.js';
import { withFixturePage } from './fixture-page.js';
import type { Fixture } from './fixture-server.js';

let fx: Fixture;
let rec: Recorded;
withFixturePage((f, r) => {
  fx = f;
  rec = r;
});

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const ROWS = 500_000;
/** One past the previews' 64 MiB cap. */
const OVER_CAP = (64 << 20) + 1;
/** Far past it: what the browser received of this shows the download stopped at the cap. */
const HUGE = 192 << 20;

function table(): ArrayBuffer {
  const id = Int32Array.from({ length: ROWS }, (_, i) => i);
  const name = Array.from({ length: ROWS }, (_, i) => `row-${i}`);
  const score = Float64Array.from({ length: ROWS }, (_, i) => i / 4);
  return parquetWriteBuffer({
    columnData: [
      { name: 'id', data: id, type: 'INT32', nullable: false },
      { name: 'name', data: name, type: 'STRING' },
      { name: 'score', data: score, type: 'DOUBLE' },
    ],
    rowGroupSize: 100_000,
  });
}

async function pdf(pages: number): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let i = 1; i <= pages; i++) {
    const page = doc.addPage([400, 300]);
    page.drawText(`Page ${i} of the report`, { x: 40, y: 150, size: 24, font });
  }
  return doc.save();
}

/** A PDF whose pages each carry a 256×256 noise image (incompressible), so pages are big. */
async function imagePdf(pages: number): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  let seed = 1;
  for (let i = 1; i <= pages; i++) {
    const img = new PNG({ width: 256, height: 256 });
    for (let o = 0; o < img.data.length; o++) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      img.data[o] = o % 4 === 3 ? 255 : seed >>> 24;
    }
    const png = await doc.embedPng(PNG.sync.write(img));
    const page = doc.addPage([400, 300]);
    page.drawImage(png, { x: 72, y: 22, width: 256, height: 256 });
  }
  return doc.save();
}

async function upload(runId: string, path: string, body: Uint8Array | ArrayBuffer): Promise<void> {
  const res = await fetch(
    `${fx.baseUrl}/ajax-api/2.0/mlflow/upload-artifact?run_uuid=${runId}&path=${encodeURIComponent(path)}`,
    { method: 'POST', headers: { 'Content-Type': 'application/octet-stream' }, body: new Uint8Array(body) },
  );
  expect(res.status, await res.text()).toBe(200);
}

const runId = () => fx.runIds[2] ?? '';

async function open(path: string): Promise<void> {
  rec.clear();
  // a fresh document each time, so a preview opened before is read again
  await rec.page.goto('about:blank');
  await rec.page.goto(`${fx.baseUrl}/#/experiments/${fx.experimentId}/runs/${runId()}/artifacts/${path}`);
}

/**
 * Opens the artifact at `path` and waits for `notice`; returns the bytes chromium's network layer received
 * meanwhile for requests whose URL contains the file's name.
 */
async function openCounting(path: string, notice: string): Promise<number> {
  const { page } = rec;
  const part = path.slice(path.lastIndexOf('/') + 1);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  const ids = new Set<string>();
  let received = 0;
  cdp.on('Network.requestWillBeSent', (e) => {
    if (e.request.url.includes(part)) ids.add(e.requestId);
  });
  cdp.on('Network.dataReceived', (e) => {
    if (ids.has(e.requestId)) received += e.dataLength;
  });
  try {
    await open(path);
    await page.getByText(notice).waitFor();
  } finally {
    await cdp.detach();
  }
  return received;
}

const kv = async (caption: string) =>
  rec.page
    .getByRole('table', { name: caption })
    .locator('tr')
    .evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent ?? '')));

/**
 * Runs `act` with get-artifact of `path` answered with 206 partial content for each Range request, as
 * a static file server does (the store service streams get-artifact whole: no Range support yet).
 * Returns the length of each range served.
 */
async function withRanges(path: string, bytes: Buffer, act: () => Promise<void>): Promise<number[]> {
  const served: number[] = [];
  const matches = (url: URL) => url.pathname.endsWith('/get-artifact') && url.searchParams.get('path') === path;
  const ranged = async (route: Route) => {
    const range = /bytes=(\d+)-(\d*)/.exec(route.request().headers().range ?? '');
    if (!range) return route.fulfill({ status: 200, body: bytes });
    const start = Number(range[1]);
    const end = range[2] ? Math.min(Number(range[2]) + 1, bytes.length) : bytes.length;
    served.push(end - start);
    return route.fulfill({
      status: 206,
      headers: { 'Content-Range': `bytes ${start}-${end - 1}/${bytes.length}`, 'Accept-Ranges': 'bytes' },
      body: bytes.subarray(start, end),
    });
  };
  await rec.page.route(matches, ranged);
  try {
    await act();
  } finally {
    await rec.page.unroute(matches, ranged);
  }
  return served;
}

describe('binary artifact previews', () => {
  let parquet: ArrayBuffer;
  beforeAll(async () => {
    parquet = table();
    await upload(runId(), 'data/table.parquet', parquet);
    await upload(runId(), 'data/big.parquet', new Uint8Array(HUGE));
    await upload(runId(), 'data/broken.parquet', new TextEncoder().encode('id,name\n1,a\n'));
    await upload(
      runId(),
      'data/typed.parquet',
      parquetWriteBuffer({
        columnData: [
          { name: 'big', data: BigInt64Array.from([2n ** 53n + 1n, -7n]), type: 'INT64' },
          { name: 'ok', data: [true, false], type: 'BOOLEAN' },
          { name: 'at', data: [new Date(Date.UTC(2026, 0, 15, 9)), null], type: 'TIMESTAMP' },
          { name: 'tags', data: [{ a: [1, 2] }, null], type: 'JSON' },
        ],
      }),
    );
    await upload(
      runId(),
      'data/empty.parquet',
      parquetWriteBuffer({ columnData: [{ name: 'x', data: new Float32Array(0), type: 'FLOAT' }] }),
    );
    const lines = Array.from({ length: 1_500_000 }, (_, i) => `step ${i} loss ${1 / (i + 1)}`).join('\n');
    await upload(runId(), 'logs/big.log', new TextEncoder().encode(lines));
    await upload(runId(), 'logs/empty.log', new Uint8Array(0));
    await upload(runId(), 'broken.pdf', new TextEncoder().encode('%PDF-1.7 nothing else'));
    await upload(runId(), 'report.pdf', await pdf(5));
    await upload(
      runId(),
      'model/sklearn.onnx',
      await readFile(`${repo}fixtures/mlflow/tests/resources/onnx/sklearn_model.onnx`),
    );
    await upload(
      runId(),
      'model/linear.onnx',
      await readFile(`${repo}packages/serve/test/fixtures/mlflow-onnx-serving/models/linear-tensor/model.onnx`),
    );
    await upload(runId(), 'model/big.onnx', new Uint8Array(OVER_CAP));
    await upload(runId(), 'model/broken.onnx', new TextEncoder().encode('not a protobuf message'));
  });

  it('shows a Parquet table: its row count, the first 100 rows and the schema', async () => {
    const { page } = rec;
    await open('data/table.parquet');
    await page.locator('.parquet-preview').waitFor();
    const summary = await page.locator('.parquet-preview > p').textContent();
    expect(summary).toContain('500,000 rows, 3 columns, 5 row groups');
    expect(summary).toContain('Showing the first 100 rows.');
    const headers = await page.locator('.preview-table th').allTextContents();
    expect(headers).toEqual(['id', 'name', 'score']);
    const rows = await page
      .locator('.preview-table tbody tr')
      .evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
    expect(rows).toHaveLength(100);
    expect(rows[0]).toEqual(['0', 'row-0', '0']);
    expect(rows[99]).toEqual(['99', 'row-99', '24.75']);
    expect(await kv('Schema')).toEqual([
      ['id', 'INT32'],
      ['name', 'BYTE_ARRAY (UTF8), nullable'],
      ['score', 'DOUBLE, nullable'],
    ]);
    expect(await axeViolations(page)).toEqual([]);
    expect(rec.errors).toEqual([]);
  });

  it('reads only the footer and the first row group when the server honours Range', async () => {
    const served = await withRanges('data/table.parquet', Buffer.from(parquet), async () => {
      await open('data/table.parquet');
      await rec.page.locator('.preview-table tbody tr').nth(99).waitFor();
      expect(await rec.page.locator('.preview-table tbody tr').first().textContent()).toBe('0row-00');
    });
    expect(served.length).toBeGreaterThan(1);
    // the first of five row groups and the footer: well under half of the file
    expect(served.reduce((a, b) => a + b, 0)).toBeLessThan(parquet.byteLength / 2);
    expect(rec.errors).toEqual([]);
  });

  it('shows 64-bit integers exactly, booleans, timestamps, JSON and nulls, and an empty table', async () => {
    const { page } = rec;
    await open('data/typed.parquet');
    await page.locator('.preview-table tbody tr').nth(1).waitFor();
    const rows = await page
      .locator('.preview-table tbody tr')
      .evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
    expect(rows).toEqual([
      ['9007199254740993', 'true', '2026-01-15T09:00:00.000Z', '{"a":[1,2]}'],
      ['-7', 'false', '', ''],
    ]);
    await open('data/empty.parquet');
    await page.getByText('0 rows, 1 column, 0 row groups, 54 B; written by hyparquet.').waitFor();
    expect(await page.locator('.preview-table th').allTextContents()).toEqual(['x']);
    expect(await page.locator('.preview-table tbody tr').count()).toBe(0);
    expect(rec.errors).toEqual([]);
  });

  it('stops reading a Parquet file past the cap and says so, having received little more than the cap', async () => {
    const received = await openCounting(
      'data/big.parquet',
      'This file is larger than 64 MiB, the most the Parquet preview reads.',
    );
    expect(received).toBeGreaterThan(64 << 20);
    expect(received).toBeLessThan(HUGE / 2);
    expect(rec.errors).toEqual([]);
  });

  it('renders the first pages of a PDF with pdf.js', async () => {
    const { page } = rec;
    await open('report.pdf');
    await page.getByText('5 pages; showing the first 3.').waitFor();
    const canvases = page.locator('canvas.preview-pdf-page');
    expect(await canvases.count()).toBe(3);
    await page.waitForFunction(() => document.querySelectorAll('canvas[data-rendered="true"]').length === 3);
    expect(await page.getByRole('img', { name: 'Page 2 of 5' }).count()).toBe(1);
    // pdf.js drew the text: each page has dark pixels on a white background
    const inked = await canvases.evaluateAll((els) =>
      (els as HTMLCanvasElement[]).map((c) => {
        const d = c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data ?? new Uint8ClampedArray();
        let dark = 0;
        for (let i = 0; i < d.length; i += 4) if ((d[i] ?? 255) < 128) dark++;
        return { width: c.width, height: c.height, dark };
      }),
    );
    for (const p of inked) {
      expect(p.width).toBe(760);
      expect(p.height).toBe(570);
      expect(p.dark).toBeGreaterThan(200);
    }
    // the worker came from the UI's own files, not a CDN (browser.ts records any request elsewhere)
    expect(await axeViolations(page)).toEqual([]);
    expect(rec.errors).toEqual([]);
  });

  it('shows the first MiB of a large log, whole small ones, and an empty one', async () => {
    const { page } = rec;
    const received = await openCounting('logs/big.log', 'Showing the first 1 MiB; download the file for the rest.');
    // the log is 60 MB; the server ignores Range, and the page stopped reading after the first MiB
    expect(received).toBeGreaterThanOrEqual(1 << 20);
    expect(received).toBeLessThan(10 << 20);
    const text = (await page.locator('.preview-text').textContent()) ?? '';
    expect(text.startsWith('step 0 loss 1\nstep 1 loss 0.5\n')).toBe(true);
    expect(new TextEncoder().encode(text).byteLength).toBe(1 << 20);
    await open('logs/empty.log');
    await page.locator('.preview-text').waitFor();
    expect(await page.locator('.preview-text').textContent()).toBe('');
    expect(await page.getByText('Showing the first 1 MiB').count()).toBe(0);
    expect(rec.errors).toEqual([]);
  });

  it('draws the first pages of a large PDF from the byte ranges pdf.js asks for', async () => {
    const file = Buffer.from(await imagePdf(12));
    const served = await withRanges('images.pdf', file, async () => {
      await open('images.pdf');
      await rec.page.getByText('12 pages; showing the first 3.').waitFor();
      await rec.page.waitForFunction(() => document.querySelectorAll('canvas[data-rendered="true"]').length === 3);
    });
    expect(served.length).toBeGreaterThan(1);
    // three of twelve image pages, plus the cross-reference data: well under half of the file
    expect(served.reduce((a, b) => a + b, 0)).toBeLessThan(file.length / 2);
    expect(rec.errors).toEqual([]);
  });

  it.each([
    ['data/broken.parquet', 'Not a readable Parquet file'],
    ['broken.pdf', 'Not a readable PDF'],
    ['model/broken.onnx', 'Not a readable ONNX model'],
  ])('reports %s, which is not what its name says, as an error', async (path, message) => {
    await open(path);
    const alert = rec.page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain(message);
    expect(rec.errors).toEqual([]);
  });

  it('summarizes an ONNX model: inputs, outputs, opsets, producer and operators', async () => {
    const { page } = rec;
    await open('model/sklearn.onnx');
    await page.locator('.onnx-preview').waitFor();
    expect(await kv('ONNX model')).toEqual([
      ['IR version', '4'],
      ['Producer', 'skl2onnx 1.7.0'],
      ['Graph', '451376ff182746f9af56f101b9171e2f'],
      ['Nodes', '4'],
      ['Initializers', '0 (0 B)'],
      ['Domain', 'ai.onnx'],
    ]);
    expect(await kv('Inputs')).toEqual([['float_input', 'float32[?, 4]']]);
    expect(await kv('Outputs')).toEqual([
      ['output_label', 'int64[?]'],
      ['output_probability', 'sequence<map<int64, float32>>'],
    ]);
    expect(await kv('Opset imports')).toEqual([
      ['ai.onnx', '9'],
      ['ai.onnx.ml', '1'],
    ]);
    expect(await kv('Operators')).toEqual([
      ['ai.onnx.ml.LinearClassifier', '1'],
      ['ai.onnx.ml.Normalizer', '1'],
      ['ai.onnx.ml.ZipMap', '1'],
      ['Cast', '1'],
    ]);
    expect(await axeViolations(page)).toEqual([]);

    await open('model/linear.onnx');
    await page.getByRole('table', { name: 'Operators' }).waitFor();
    expect(await kv('Operators')).toEqual([['MatMul', '1']]);
    expect((await kv('ONNX model')).find((r) => r[0] === 'Initializers')).toEqual(['Initializers', '1 (24 B)']);

    await open('model/big.onnx');
    await page.getByText('This file is larger than 64 MiB, the most the ONNX preview reads.').waitFor();
    expect(rec.errors).toEqual([]);
  });
});
