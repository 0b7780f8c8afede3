/**
 * An artifact repository is rooted at one artifact URI (a run's `artifact_uri`, an experiment's
 * location, a server's artifact root). Paths given to it are relative, '/'-separated, and checked
 * with `assertSafeArtifactPath` by every implementation. Bytes move as async iterables of chunks,
 * so a multi-GB file never sits in memory and the contract works in a browser as in Node.
 */
import type { FileInfo } from './entities.js';

export type ByteSource = AsyncIterable<Uint8Array> | Uint8Array;

export interface ArtifactRepository {
  readonly specificationVersion: 'v1';
  /** The URI this repository is rooted at. */
  readonly rootUri: string;
  /** One level of `path` (default: the root), sorted by path; paths relative to the root. */
  listArtifacts(path?: string): Promise<FileInfo[]>;
  /** Streams one file. Rejects RESOURCE_DOES_NOT_EXIST when missing. */
  readArtifact(path: string): Promise<AsyncIterable<Uint8Array>>;
  /** Writes one file atomically: readers see the old file or the whole new one, never a part. */
  writeArtifact(path: string, data: ByteSource): Promise<void>;
  /** Deletes a file or a directory tree (optional capability). */
  deleteArtifacts?(path: string): Promise<void>;
}

/** Builds a repository for an artifact URI; stores and clients hold a registry of these by scheme. */
export type ArtifactRepositoryFactory = (rootUri: string) => ArtifactRepository;
