/**
 * A prebuilt web UI served from a folder: `index.html` at `/` (never cached, so a new build shows on
 * reload) and its assets under `/static-files/...` (MLflow's UI path; hashed names, cached for a year).
 * Paths are checked segment by segment: no `..`, no backslash, no NUL, nothing outside the folder.
 */
import { createReadStream } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export interface UiRoutesOptions {
  /** The folder holding `index.html` and `static-files/`. */
  root: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.gif': 'image/gif',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

/** The UI's own policy: scripts and styles from this origin only; blob:/data: for previews. */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "frame-src 'self' blob: data:",
  "object-src 'none'",
  "base-uri 'self'",
  "frame-ancestors 'self'",
].join('; ');

/** Paths the UI serves (the tracking server lets them through without credentials: they hold no data). */
export function isUiPath(path: string): boolean {
  return path === '/' || path === '/index.html' || path.startsWith('/static-files/');
}

/** A relative path made only of plain segments, or undefined. */
function safeRelative(raw: string): string | undefined {
  if (raw === '' || raw.length > 1024 || raw.includes('\0') || raw.includes('\\')) return undefined;
  const parts = raw.split('/');
  if (parts.some((p) => p === '' || p === '.' || p === '..' || p.includes(':'))) return undefined;
  return parts.join(sep);
}

export async function uiRoutes(app: FastifyInstance, opts: UiRoutesOptions): Promise<void> {
  const root = await realpath(resolve(opts.root)).catch(() => resolve(opts.root));
  const sendIndex = async (_request: FastifyRequest, reply: FastifyReply) => {
    const html = await readFile(resolve(root, 'index.html')).catch(() => undefined);
    if (!html) return reply.callNotFound();
    return reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-cache')
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', CSP)
      .send(html);
  };
  app.get('/', sendIndex);
  app.get('/index.html', sendIndex);
  app.get('/static-files/*', async (request, reply) => {
    const rel = safeRelative((request.params as { '*'?: string })['*'] ?? '');
    if (rel === undefined) return reply.callNotFound();
    const base = resolve(root, 'static-files');
    const full = resolve(base, rel);
    if (!full.startsWith(base + sep)) return reply.callNotFound();
    // A symlink inside the folder must not lead outside it either.
    const real = await realpath(full).catch(() => undefined);
    if (!real?.startsWith(root + sep)) return reply.callNotFound();
    const info = await stat(real).catch(() => undefined);
    if (!info?.isFile()) return reply.callNotFound();
    const hashed = /-[A-Za-z0-9_-]{8,}\.[a-z0-9]+$/.test(rel);
    return reply
      .type(TYPES[extname(real).toLowerCase()] ?? 'application/octet-stream')
      .header('content-length', info.size)
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache')
      .send(createReadStream(real));
  });
}
