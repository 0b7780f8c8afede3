// The S3 test server process: s3rver on 127.0.0.1 (a free port), for @mlflow-ts/artifacts-s3's
// tests and anyone's who uses `startS3TestServer`. Prints one JSON line `{"port": N}` when it
// listens; exits on SIGTERM/SIGINT or when its parent closes stdin.
//
// Runs under `node --openssl-legacy-provider`: s3rver 3.7.1 encrypts ListObjectsV2 continuation
// tokens with DES, which OpenSSL 3 only has in its legacy provider (without it every truncated
// listing answers 500). And s3rver's delimiter walk prunes directories below the first delimiter
// before looking into them, so a "directory" holding only sub-directories (s3://b/run/artifacts/
// model/data/x) never appears as a common prefix; the wrapper below lists keys without the
// delimiter and groups them the way S3 does. Last, s3rver answers a PUT before its write stream
// has flushed, in place, so a GET right after an overwrite can read a truncated object; the
// wrapped putObject writes a temp file, waits for it, and renames it over the object (S3 replaces
// objects atomically).
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import S3rver from 's3rver';

const [directory] = process.argv.slice(2);
if (!directory) {
  console.error('usage: node --openssl-legacy-provider s3rver-process.mjs <directory>');
  process.exit(2);
}

const server = new S3rver({ address: '127.0.0.1', port: 0, directory, silent: true, vhostBuckets: false });
const store = server.store;
const listObjects = store.listObjects.bind(store);
store.listObjects = async (bucket, options) => {
  const { delimiter = '', prefix = '', maxKeys = Infinity } = options;
  if (!delimiter) return listObjects(bucket, options);
  const all = await listObjects(bucket, { ...options, delimiter: '', maxKeys: Infinity });
  const objects = [];
  const commonPrefixes = new Set();
  let isTruncated = false;
  const sorted = [...all.objects].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (const object of sorted) {
    const idx = object.key.slice(prefix.length).indexOf(delimiter);
    if (idx !== -1) {
      commonPrefixes.add(object.key.slice(0, prefix.length + idx + delimiter.length));
      continue;
    }
    if (objects.length >= maxKeys) {
      isTruncated = true;
      break;
    }
    objects.push(object);
  }
  return { objects, commonPrefixes: [...commonPrefixes].sort(), isTruncated };
};

store.putObject = async (object) => {
  const objectPath = store.getResourcePath(object.bucket, object.key, 'object');
  await mkdir(dirname(objectPath), { recursive: true });
  const tmp = `${objectPath}.${randomBytes(6).toString('hex')}.tmp`;
  const md5 = createHash('md5');
  let size = 0;
  const source = Buffer.isBuffer(object.content) ? Readable.from([object.content]) : object.content;
  const count = new Transform({
    transform(chunk, _encoding, done) {
      md5.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  try {
    await pipeline(source, count, createWriteStream(tmp));
    await rename(tmp, objectPath);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
  const digest = md5.digest('hex');
  await store.putMetadata(object.bucket, object.key, object.metadata, digest);
  return { size, md5: digest };
};

const { port } = await server.run();
process.stdout.write(`${JSON.stringify({ port })}\n`);

let closing = false;
const stop = async () => {
  if (closing) return;
  closing = true;
  server.httpServer?.closeAllConnections();
  await server.close().catch(() => undefined);
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.on('error', stop);
process.stdin.resume();
