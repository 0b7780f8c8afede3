/** An ArtifactRepository over the store service's gRPC Artifacts service (byte-chunk streams). */
import type * as grpc from '@grpc/grpc-js';
import { MlflowError, assertSafeArtifactPath } from '@mlflow-ts/format';
import type { ArtifactRepository, ByteSource, FileInfo } from '@mlflow-ts/format';
import { joinArtifactPath } from '../protocol/artifact-uri.js';
import { grpcServiceDefinition } from '../protocol/grpc-definitions.js';
import type { GrpcConnection } from './grpc-transport.js';
import { callOptions, toClientError } from './grpc-transport.js';

const CHUNK = 256 * 1024;

async function* chunked(data: ByteSource): AsyncGenerator<Uint8Array> {
  if (data instanceof Uint8Array) {
    for (let i = 0; i < data.length; i += CHUNK) yield data.subarray(i, i + CHUNK);
    return;
  }
  for await (const c of data) for (let i = 0; i < c.length; i += CHUNK) yield c.subarray(i, i + CHUNK);
}

export function createGrpcArtifactRepository(
  conn: GrpcConnection,
  prefix: string,
  rootUri: string,
): ArtifactRepository {
  const def = grpcServiceDefinition('Artifacts');
  const full = (path: string | undefined) => {
    if (path) assertSafeArtifactPath(path);
    return joinArtifactPath(prefix, path);
  };
  const unary = <T>(method: 'List' | 'Delete', req: object) =>
    new Promise<T>((resolve, reject) => {
      const m = def[method]!;
      conn.client.makeUnaryRequest(
        m.path,
        m.requestSerialize,
        m.responseDeserialize as (b: Buffer) => T,
        req,
        conn.metadata(),
        callOptions(conn),
        (err, value) => (err ? reject(toClientError(err)) : resolve(value!)),
      );
    });

  return {
    specificationVersion: 'v1',
    rootUri,
    async listArtifacts(path) {
      const target = full(path);
      const res = await unary<{ files?: FileInfo[] }>('List', { path: target });
      const strip = prefix ? prefix.length + 1 : 0;
      return (res.files ?? []).map((f) => ({ ...f, path: f.path.slice(strip) }));
    },
    async readArtifact(path) {
      const target = full(path);
      const m = def.Download!;
      const call = conn.client.makeServerStreamRequest(
        m.path,
        m.requestSerialize,
        m.responseDeserialize as (b: Buffer) => { data?: Uint8Array },
        { path: target },
        conn.metadata(),
        callOptions(conn),
      );
      // Surface NOT_FOUND before handing back the stream, as other repositories do.
      const it = (call as AsyncIterable<{ data?: Uint8Array }>)[Symbol.asyncIterator]();
      let first: IteratorResult<{ data?: Uint8Array }>;
      try {
        first = await it.next();
      } catch (e) {
        throw toClientError(e);
      }
      return (async function* () {
        try {
          for (let n = first; !n.done; n = await it.next())
            if (n.value.data && n.value.data.length > 0) yield n.value.data;
        } catch (e) {
          throw toClientError(e);
        }
      })();
    },
    async writeArtifact(path, data) {
      if (!path) throw MlflowError.invalidParameter('An artifact path is required to write a file');
      const target = full(path);
      const m = def.Upload!;
      await new Promise<void>((resolve, reject) => {
        let call: grpc.ClientWritableStream<object>;
        let failed = false;
        call = conn.client.makeClientStreamRequest(
          m.path,
          m.requestSerialize,
          m.responseDeserialize,
          conn.metadata(),
          callOptions(conn),
          (err) => (err ? reject(toClientError(err)) : resolve()),
        );
        (async () => {
          call.write({ path: target });
          for await (const chunk of chunked(data)) {
            if (failed) return;
            if (!call.write({ data: chunk })) await new Promise((r) => call.once('drain', r));
          }
          call.end();
        })().catch((e) => {
          failed = true;
          call.cancel();
          reject(e);
        });
      });
    },
    async deleteArtifacts(path) {
      await unary('Delete', { path: full(path) });
    },
  };
}
