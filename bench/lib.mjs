// Helpers every benchmark shares: a clock, medians, repeated timing, a closed-loop load driver, child
// processes that answer in JSON lines, and plain HTTP requests.
import { spawn } from 'node:child_process';
import http from 'node:http';
export const now = () => performance.now();

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Median of `n` timed calls of `fn(i)`, in ms. */
export async function timeIt(n, fn) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const t = now();
    await fn(i);
    out.push(now() - t);
  }
  return median(out);
}

/** `clients` concurrent loops of `fn(client)` for `seconds`; completed calls per second. */
export async function loadFor(clients, fn, seconds) {
  const end = now() + seconds * 1000;
  let done = 0;
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      while (now() < end) {
        await fn(c);
        done++;
      }
    }),
  );
  return done / seconds;
}

/**
 * Starts `file` again as a child process (`node file ...args`, stderr inherited); `next()` resolves
 * with each JSON line it prints, in order.
 */
export function jsonChild(file, args, { stdin = 'pipe' } = {}) {
  const p = spawn(process.execPath, [file, ...args], { stdio: [stdin, 'pipe', 'inherit'] });
  const queue = [];
  const waiters = [];
  let buf = '';
  p.stdout.on('data', (d) => {
    buf += d;
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
      const msg = JSON.parse(buf.slice(0, i));
      buf = buf.slice(i + 1);
      const w = waiters.shift();
      if (w) w(msg);
      else queue.push(msg);
    }
  });
  return { p, next: () => (queue.length ? Promise.resolve(queue.shift()) : new Promise((r) => waiters.push(r))) };
}

/**
 * One HTTP request to 127.0.0.1 (or `host`) through `agent`; resolves with the body as text, rejects
 * with the status and the start of the body on anything but 200. `body`: a string, or JSON-encoded.
 */
export function httpText({ agent, host = '127.0.0.1', port, method = 'POST', path, body }) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const req = http.request(
      {
        host,
        port,
        method,
        path,
        agent,
        headers: payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {},
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode !== 200) reject(new Error(`${method} ${path}: ${res.statusCode} ${text.slice(0, 200)}`));
          else resolve(text);
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}
