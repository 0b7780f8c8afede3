/**
 * Binary artifact reads for the previews: ranged slices where the server honours `Range` (206), and
 * otherwise one streamed download stopped at a size cap, so a large file is never read whole.
 */
import { authHeaders, failure, readAtMost } from '../lib/api.js';

/** Random access to an artifact's bytes (the shape hyparquet's `AsyncBuffer` has). */
export interface ArtifactBytes {
  byteLength: number;
  slice(start: number, end?: number): Promise<ArrayBuffer>;
  /** Whether slices are fetched with Range requests (false: the whole file was downloaded). */
  ranged: boolean;
}

/** The file is larger than a preview reads; `what` names the preview in the message. */
export class TooLargeError extends Error {
  constructor(what: string, cap: number) {
    super(`This file is larger than ${formatCap(cap)}, the most the ${what} preview reads. Download it instead.`);
    this.name = 'TooLargeError';
  }
}

function formatCap(bytes: number): string {
  return `${Math.round(bytes / (1 << 20))} MiB`;
}

/** Reads a response body, cancelling it as soon as it passes `cap` bytes. */
async function readCapped(res: Response, cap: number, what: string): Promise<ArrayBuffer> {
  const declared = Number(res.headers.get('Content-Length') ?? Number.NaN);
  if (declared > cap) {
    await res.body?.cancel();
    throw new TooLargeError(what, cap);
  }
  const { bytes, more } = await readAtMost(res, cap);
  if (more) throw new TooLargeError(what, cap);
  return bytes.buffer as ArrayBuffer;
}

/** The whole artifact, at most `cap` bytes (larger files fail with a {@link TooLargeError}). */
export async function fetchArtifactBytes(url: string, cap: number, what: string): Promise<ArrayBuffer> {
  const res = await fetch(url, { headers: authHeaders() });
  if (!res.ok) throw await failure(res);
  return readCapped(res, cap, what);
}

function fromBuffer(buf: ArrayBuffer): ArtifactBytes {
  return { byteLength: buf.byteLength, ranged: false, slice: async (start, end) => buf.slice(start, end) };
}

/**
 * Random access to an artifact: a first `bytes=0-0` request tells the size and whether the server
 * honours ranges; if it does, each slice is one Range request (cached), else the 200 response is read
 * whole up to `cap`.
 */
export async function openArtifactBytes(url: string, cap: number, what: string): Promise<ArtifactBytes> {
  const probe = await fetch(url, { headers: { ...authHeaders(), Range: 'bytes=0-0' } });
  if (probe.status === 416) return fromBuffer(new ArrayBuffer(0));
  if (!probe.ok) throw await failure(probe);
  const total = /\/(\d+)$/.exec(probe.headers.get('Content-Range') ?? '')?.[1];
  if (probe.status !== 206 || total === undefined) return fromBuffer(await readCapped(probe, cap, what));
  await probe.body?.cancel();
  const byteLength = Number(total);
  const cache = new Map<string, Promise<ArrayBuffer>>();
  return {
    byteLength,
    ranged: true,
    slice(start, end = byteLength) {
      const key = `${start}-${end}`;
      let hit = cache.get(key);
      if (!hit) {
        hit = fetch(url, { headers: { ...authHeaders(), Range: `bytes=${start}-${end - 1}` } }).then(async (res) => {
          if (res.status !== 206) throw await failure(res);
          return res.arrayBuffer();
        });
        cache.set(key, hit);
      }
      return hit;
    },
  };
}
