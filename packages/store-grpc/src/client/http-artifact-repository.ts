/**
 * An ArtifactRepository over MLflow's proxied artifact API (`/api/2.0/mlflow-artifacts/artifacts`),
 * which is how MLflow clients read and write `mlflow-artifacts:/` URIs. Uploads stream the body
 * (one PUT per file), downloads stream the response.
 */
import { MlflowError, assertSafeArtifactPath } from '@mlflow-ts/format';
import type { ArtifactRepository, ByteSource, FileInfo } from '@mlflow-ts/format';
import { joinArtifactPath } from '../protocol/artifact-uri.js';
import { ARTIFACTS_PREFIX } from '../protocol/rpc-routes.js';
import type { HttpClient } from './rest-transport.js';
import { errorFromResponse } from './rest-transport.js';

function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

function toStream(data: AsyncIterable<Uint8Array>): ReadableStream<Uint8Array> {
  const it = data[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await it.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    async cancel() {
      await it.return?.();
    },
  });
}

export function createHttpArtifactRepository(http: HttpClient, prefix: string, rootUri: string): ArtifactRepository {
  const full = (path: string | undefined) => {
    if (path) assertSafeArtifactPath(path);
    return joinArtifactPath(prefix, path);
  };
  return {
    specificationVersion: 'v1',
    rootUri,
    async listArtifacts(path) {
      const target = full(path);
      const res = await http.fetch(`${ARTIFACTS_PREFIX}${target ? `?path=${encodeURIComponent(target)}` : ''}`);
      if (!res.ok) throw await errorFromResponse(res, `list artifacts '${target}'`);
      const body = (await res.json()) as { files?: FileInfo[] };
      return (body.files ?? [])
        .map((f) => ({ ...f, path: joinArtifactPath(path ?? '', f.path) }))
        .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    },
    async readArtifact(path) {
      const target = full(path);
      const res = await http.fetch(`${ARTIFACTS_PREFIX}/${encodePath(target)}`);
      if (!res.ok) throw await errorFromResponse(res, `download artifact '${target}'`);
      if (!res.body) return (async function* () {})();
      return res.body as unknown as AsyncIterable<Uint8Array>;
    },
    async writeArtifact(path, data: ByteSource) {
      if (!path) throw MlflowError.invalidParameter('An artifact path is required to write a file');
      const target = full(path);
      const streamed = !(data instanceof Uint8Array);
      const res = await http.fetch(`${ARTIFACTS_PREFIX}/${encodePath(target)}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/octet-stream' },
        body: streamed ? toStream(data as AsyncIterable<Uint8Array>) : (data as Uint8Array),
        retry: !streamed,
        ...(streamed ? { duplex: 'half' } : {}),
      } as RequestInit & { retry?: boolean });
      if (!res.ok) throw await errorFromResponse(res, `upload artifact '${target}'`);
      await res.body?.cancel();
    },
    async deleteArtifacts(path) {
      const target = full(path);
      const res = await http.fetch(`${ARTIFACTS_PREFIX}/${encodePath(target)}`, { method: 'DELETE' });
      if (!res.ok) throw await errorFromResponse(res, `delete artifact '${target}'`);
      await res.body?.cancel();
    },
  };
}
