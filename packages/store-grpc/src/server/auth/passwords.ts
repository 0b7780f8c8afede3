/**
 * Password hashes in werkzeug's format, which MLflow's basic-auth app stores in `users.password_hash`
 * (`scrypt:32768:8:1$<salt>$<hex>`, or `pbkdf2:sha256:<iterations>$<salt>$<hex>`), so a user database
 * MLflow made keeps working with us and the other way round. scrypt is the slow KDF we write.
 */
import { pbkdf2, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const scryptAsync = promisify(scrypt) as (
  password: string,
  salt: string,
  keylen: number,
  options: object,
) => Promise<Buffer>;
const pbkdf2Async = promisify(pbkdf2);

const SALT_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

function salt(length = 16): string {
  const bytes = randomBytes(length);
  let s = '';
  for (const b of bytes) s += SALT_CHARS[b % SALT_CHARS.length];
  return s;
}

async function scryptHex(password: string, saltText: string, n: number, r: number, p: number): Promise<string> {
  // werkzeug: hashlib.scrypt(password, salt=salt, n, r, p, maxmem=132 * n * r * p), 64 bytes.
  const key = await scryptAsync(password, saltText, 64, { N: n, r, p, maxmem: 132 * n * r * p + 1024 * 1024 });
  return key.toString('hex');
}

/** A new hash of `password` in werkzeug's default method (scrypt, N=32768, r=8, p=1). */
export async function hashPassword(password: string): Promise<string> {
  const s = salt();
  return `scrypt:32768:8:1$${s}$${await scryptHex(password, s, 32768, 8, 1)}`;
}

/** Bounds on a stored method's cost parameters, so a crafted database row cannot stall the server. */
const MAX_SCRYPT_N = 1 << 20;
const MAX_PBKDF2_ITERATIONS = 2_000_000;

/** Whether `password` matches a werkzeug hash; false for any hash it cannot read. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [method, saltText, hex] = stored.split('$');
  if (method === undefined || saltText === undefined || hex === undefined || !/^[0-9a-f]+$/.test(hex)) return false;
  const parts = method.split(':');
  let computed: string;
  if (parts[0] === 'scrypt') {
    const [n, r, p] = [Number(parts[1] ?? 32768), Number(parts[2] ?? 8), Number(parts[3] ?? 1)];
    if (![n, r, p].every(Number.isInteger) || n < 2 || n > MAX_SCRYPT_N || r < 1 || r > 32 || p < 1 || p > 16)
      return false;
    computed = await scryptHex(password, saltText, n, r, p);
  } else if (parts[0] === 'pbkdf2') {
    const digest = parts[1] ?? 'sha256';
    const iterations = Number(parts[2] ?? 600000);
    if (
      !['sha256', 'sha512', 'sha1'].includes(digest) ||
      !Number.isInteger(iterations) ||
      iterations < 1 ||
      iterations > MAX_PBKDF2_ITERATIONS
    ) {
      return false;
    }
    const size = digest === 'sha512' ? 64 : digest === 'sha1' ? 20 : 32;
    computed = (await pbkdf2Async(password, saltText, iterations, size, digest)).toString('hex');
  } else {
    return false;
  }
  const a = Buffer.from(computed, 'hex');
  const b = Buffer.from(hex, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
