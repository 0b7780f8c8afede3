/**
 * What every command receives: where to write, the environment, and how to open stores. Command
 * groups are functions `(ctx) => Command`, so tests run the whole CLI in-process with captured output
 * and a store registry of their choice.
 */
import { MlflowClient, defaultStoreRegistry, trackingUriFromEnv, type StoreRegistry } from '@mlflow-ts/client';
import type { Command } from 'commander';
import { formatRestJson } from '@mlflow-ts/client';
import { withS3Artifacts } from './s3-artifacts.js';

export type Env = Readonly<Record<string, string | undefined>>;

export interface CliIO {
  /** Writes raw text to stdout (no newline added). */
  stdout(text: string): void;
  stderr(text: string): void;
  /** Progress bars are drawn only on an interactive stderr. */
  stderrIsTTY: boolean;
  env: Env;
}

export interface CliContext {
  readonly io: CliIO;
  readonly storeRegistry: StoreRegistry;
  /** A client for `--backend-store-uri`, else MLFLOW_TRACKING_URI, else ./mlruns; closed when the CLI exits. */
  client(backendStoreUri?: string): MlflowClient;
  /** Prints one line to stdout. */
  print(line: string): void;
  /** Prints a REST body the way MLflow's server formats it (pruned, indent 2). */
  printJson(body: unknown): void;
  /** Closes every client opened by `client()`. */
  close(): Promise<void>;
}

/** A command group: builds one top-level command (with its subcommands) for the program. */
export type CommandGroup = (ctx: CliContext) => Command;

export function processIO(): CliIO {
  return {
    stdout: (t) => void process.stdout.write(t),
    stderr: (t) => void process.stderr.write(t),
    stderrIsTTY: Boolean(process.stderr.isTTY),
    env: process.env,
  };
}

/**
 * The CLI's stores: `file:`/paths (store-fs with its registry), `http(s)://` (MLflow REST) and
 * `grpc://`. The remote clients are imported only when such a URI is used: grpc-js and protobufjs
 * would otherwise add to every command's start-up (`models serve` cold start).
 */
export function cliStoreRegistry(): StoreRegistry {
  const remote = () => import('@mlflow-ts/store-grpc');
  // s3:// artifact URIs reach S3 whatever the tracking store (the S3 package loads on first use).
  return withS3Artifacts(
    defaultStoreRegistry()
      .registerStore('http', async (uri, { env }) => (await remote()).restStoreFactory(uri, env))
      .registerStore('https', async (uri, { env }) => (await remote()).restStoreFactory(uri, env))
      .registerStore('grpc', async (uri, { env }) => (await remote()).grpcStoreFactory(uri, env)),
  );
}

export function createCliContext(io: CliIO, storeRegistry: StoreRegistry = cliStoreRegistry()): CliContext {
  const clients = new Map<string, MlflowClient>();
  return {
    io,
    storeRegistry,
    client(backendStoreUri) {
      const uri = backendStoreUri ?? trackingUriFromEnv(io.env);
      let client = clients.get(uri);
      if (!client) {
        client = new MlflowClient({ trackingUri: uri, storeRegistry, env: io.env });
        clients.set(uri, client);
      }
      return client;
    },
    print: (line) => io.stdout(`${line}\n`),
    printJson: (body) => io.stdout(`${formatRestJson(body)}\n`),
    async close() {
      await Promise.all([...clients.values()].map((c) => c.close().catch(() => undefined)));
      clients.clear();
    },
  };
}
