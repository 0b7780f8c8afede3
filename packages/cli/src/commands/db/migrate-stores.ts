/**
 * The two sides of `db migrate` and `sync`: a URI → the stores it names. An `mlruns` path or `file:`
 * URI opens store-fs (tracking, registry), `sqlite:///…` and `postgresql://…` open store-sql
 * (loaded only then), `http(s)://` a REST client of any MLflow server. Artifact URIs of the
 * copied runs are reached locally (`file:`, plain paths) or, for `mlflow-artifacts:`, through the server.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { MlflowError, OBJECT_STORE_SCHEMES, type ArtifactRepository } from '@mlflow-ts/format';
import { localPathOfUri } from '@mlflow-ts/client';
import { createFsArtifactRepository, createFsRegistryStore, createFsTrackingStore } from '@mlflow-ts/store-fs';
import type { StoreSet } from '../../copy/index.js';
import { UsageError } from '../../usage-error.js';

export type SideKind = 'fs' | 'sql' | 'rest';

export interface OpenedSide {
  kind: SideKind;
  /** The URI as shown and as recorded in the journal (no password). */
  display: string;
  /** For `fs`: the mlruns root; for sqlite: the database file. */
  localPath?: string;
  stores: StoreSet;
  close(): Promise<void>;
}

/** Registry sources a copy brings along as they are: its runs' locations may lie anywhere. */
const COPY_SOURCE_SCHEMES = [
  'runs',
  'models',
  'mlflow-artifacts',
  'file',
  ...OBJECT_STORE_SCHEMES,
  'http',
  'https',
  'sftp',
  'ftp',
];

const isSql = (uri: string) => /^(sqlite|postgres(ql)?)(\+[a-z0-9_]+)?:\/\//i.test(uri);
const isRest = (uri: string) => /^https?:\/\//i.test(uri);

/** `file:` URIs and plain paths; anything else needs the side's own repositories. */
function localArtifacts(uri: string): ArtifactRepository {
  if (/^file:/i.test(uri) || !/^[a-z][a-z0-9+.-]*:/i.test(uri) || /^[a-z]:[\\/]/i.test(uri))
    return createFsArtifactRepository(uri);
  throw MlflowError.invalidParameter(
    `Artifacts at '${uri}' cannot be copied by this command (only local files and the tracking server's mlflow-artifacts: are)`,
  );
}

export function sideKind(uri: string): SideKind {
  if (isSql(uri)) return 'sql';
  if (isRest(uri)) return 'rest';
  return 'fs';
}

export async function openSide(
  uri: string,
  opts: { defaultArtifactRoot?: string; env: Record<string, string | undefined> },
): Promise<OpenedSide> {
  const kind = sideKind(uri);
  if (kind === 'fs') {
    const root = path.resolve(localPathOfUri(uri));
    const tracking = createFsTrackingStore({
      root,
      ...(opts.defaultArtifactRoot ? { defaultArtifactRoot: opts.defaultArtifactRoot } : {}),
    });
    const registry = createFsRegistryStore({
      root,
      trackingStore: tracking,
      allowedSourceRoots: ['/'],
      allowedSourceSchemes: COPY_SOURCE_SCHEMES,
    });
    return {
      kind,
      display: root,
      localPath: root,
      stores: { tracking, registry, artifacts: localArtifacts },
      close: async () => {
        await registry.close();
        await tracking.close?.();
      },
    };
  }
  if (kind === 'sql') {
    const sql = await import('@mlflow-ts/store-sql');
    const display = sql.redactUri(uri);
    const tracking = await sql.createSqlStore({
      uri,
      ...(opts.defaultArtifactRoot ? { defaultArtifactRoot: opts.defaultArtifactRoot } : {}),
    });
    const registry = await sql
      .openSqlRegistryStore(uri, {
        trackingStore: tracking,
        allowedSourceRoots: ['/'],
        allowedSourceSchemes: COPY_SOURCE_SCHEMES,
      })
      .catch(async (e: unknown) => {
        await tracking.close?.();
        throw e;
      });
    const file = /^sqlite:\/\/\/(.+)$/i.exec(uri)?.[1];
    return {
      kind,
      display,
      ...(file ? { localPath: path.resolve(file) } : {}),
      stores: { tracking, registry, artifacts: localArtifacts },
      close: async () => {
        await registry.close?.();
        await tracking.close?.();
      },
    };
  }
  const { restStoreFactory } = await import('@mlflow-ts/store-grpc');
  const remote = restStoreFactory(uri.replace(/\/+$/, ''), opts.env);
  return {
    kind,
    display: uri.replace(/\/\/[^/@]*@/, '//***@'),
    stores: {
      tracking: remote.tracking,
      registry: remote.registry,
      artifacts: (u) => (/^mlflow-artifacts:/i.test(u) || isRest(u) ? remote.artifacts(u) : localArtifacts(u)),
    },
    close: () => remote.close(),
  };
}

/** Where a copy between `from` and `to` keeps its journal unless `--state` says otherwise. */
export function defaultJournal(side: OpenedSide, from: string, to: string, prefix: string, stateDir?: string): string {
  const hash = createHash('sha256').update(`${from}\n${to}`).digest('hex').slice(0, 12);
  const name = `${prefix}-${hash}.jsonl`;
  if (stateDir) return path.resolve(stateDir, name);
  if (side.kind === 'fs' && side.localPath) return path.join(side.localPath, `.${name}`);
  if (side.localPath) return `${side.localPath}.${name}`;
  return path.resolve(`.${prefix}`, name);
}

export function assertDifferent(a: OpenedSide, b: OpenedSide): void {
  if (a.display === b.display) throw new UsageError(`The source and the target are the same store (${a.display})`);
}
