/**
 * `mlflow-ts models serve -m <uri> [-p 5000] [-h 127.0.0.1] [--model name=uri]… [--max-batch-size N]`:
 * MLflow's scoring server (plus KServe v2 routes and /metrics) until SIGINT/SIGTERM.
 */
import { Command } from 'commander';
import { createScoringServer, loadModel } from '@mlflow-ts/serve';
import type { ScoringServer, ServableModel } from '@mlflow-ts/serve';
import type { CliContext } from '../../cli-context.js';
import { collect, parseInteger, withStoreOption } from '../../options.js';
import { UsageError } from '../../usage-error.js';
import { flavorRegistryFor, withModelLoadingOptions } from './flavors.js';
import { modelStores } from './model-location.js';

export interface ServeHooks {
  /** Called once the server listens (tests use it to send requests and close). */
  onListening?(server: ScoringServer): void;
}

function namedUri(spec: string): { name: string; uri: string } {
  const i = spec.indexOf('=');
  if (i <= 0 || i === spec.length - 1) throw new UsageError(`--model expects NAME=URI, got '${spec}'`);
  return { name: spec.slice(0, i), uri: spec.slice(i + 1) };
}

export function modelsServeCommand(ctx: CliContext, hooks: ServeHooks = {}): Command {
  return withModelLoadingOptions(
    withStoreOption(new Command('serve'))
      .description(
        'Serve a model over HTTP: /invocations, /ping, /health, /version, KServe v2 /v2/models/{name}/infer, /metrics',
      )
      .helpOption('--help', 'display help for command')
      .requiredOption(
        '-m, --model-uri <uri>',
        'model directory, file:, runs:/, models:/ or artifact URI (served at /invocations)',
      )
      .option('--name <name>', 'name of the -m model for the v2 routes', 'model')
      .option('--model <name=uri>', 'serve one more model under /v2/models/<name> (repeatable)', collect, [])
      .option('-p, --port <port>', 'port', parseInteger('--port'), 5000)
      .option('-h, --host <host>', 'interface to bind', '127.0.0.1')
      .option('-t, --timeout <seconds>', 'per-request timeout (504 beyond)', parseInteger('--timeout'), 60)
      .option(
        '--max-batch-size <n>',
        'enable dynamic batching: most rows merged into one model call',
        parseInteger('--max-batch-size'),
      )
      .option(
        '--max-batch-delay-ms <ms>',
        'how long an idle model waits to fill a batch',
        parseInteger('--max-batch-delay-ms'),
        2,
      )
      .option('--body-limit <bytes>', 'largest request body', parseInteger('--body-limit'))
      .option('--no-request-log', 'do not print one line per request'),
  ).action(
    async (opts: {
      modelUri: string;
      name: string;
      model: string[];
      port: number;
      host: string;
      timeout: number;
      maxBatchSize?: number;
      maxBatchDelayMs: number;
      bodyLimit?: number;
      requestLog: boolean;
      envManager: string;
      flavor: string[];
      backendStoreUri?: string;
    }) => {
      if (opts.envManager !== 'local')
        throw new UsageError(
          `--env-manager '${opts.envManager}' is not supported: mlflow-ts serves in this Node process (use 'local')`,
        );
      const specs = [{ name: opts.name, uri: opts.modelUri }, ...opts.model.map(namedUri)];
      const registry = await flavorRegistryFor(opts.flavor);
      const models: { name: string; model: ServableModel }[] = [];
      let server: ScoringServer | undefined;
      try {
        for (const s of specs) {
          // Downloaded models are loaded, then their temporary copy is removed (serve's loadModel).
          const stores = await modelStores(ctx, opts.backendStoreUri, s.uri);
          models.push({ name: s.name, model: await loadModel(s.uri, { registry, stores }) });
        }
        server = await createScoringServer({
          models,
          host: opts.host,
          port: opts.port,
          requestTimeoutMs: opts.timeout * 1000,
          maxBatchSize: opts.maxBatchSize,
          maxBatchDelayMs: opts.maxBatchDelayMs,
          bodyLimit: opts.bodyLimit,
          log: opts.requestLog ? (line) => ctx.io.stderr(`${line}\n`) : false,
        });
        const s = server;
        ctx.io.stderr(`Serving ${specs.map((x) => `'${x.name}' (${x.uri})`).join(', ')} at ${s.url}\n`);
        const closed = new Promise<void>((resolve) => s.app.server.once('close', () => resolve()));
        const stop = () => void s.close();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        hooks.onListening?.(s);
        await closed;
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      } finally {
        await server?.close();
        await Promise.all(models.map((m) => m.model.dispose()));
      }
    },
  );
}
