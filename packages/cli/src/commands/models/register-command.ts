/**
 * `mlflow-ts models register <source-uri> --name M`: MLflow's `mlflow.register_model` — create the
 * registered model unless it exists, then a new version from the source.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Command } from 'commander';
import { MlflowError, parseModelUri, uriScheme } from '@mlflow-ts/format';
import type { CliContext } from '../../cli-context.js';
import { collectKeyValue, withJsonOption, withStoreOption } from '../../options.js';

/** A plain local path becomes an absolute file: URI, as the registry stores local sources. */
function sourceUri(source: string): string {
  return uriScheme(source) === undefined ? pathToFileURL(path.resolve(source)).href : source;
}

export function modelsRegisterCommand(ctx: CliContext): Command {
  return withJsonOption(
    withStoreOption(
      new Command('register').description('register a model version from a runs:/, models:/ or local source'),
    ),
  )
    .argument('<source-uri>', 'runs:/<run_id>/<path>, models:/<name>/<version>, or a model directory inside the store')
    .requiredOption('-n, --name <name>', 'registered model name (created if missing)')
    .option('--run-id <id>', 'run the model came from (default: the run of a runs:/ source)')
    .option('-d, --description <text>', 'version description')
    .option('-t, --tag <key=value>', 'version tag (repeatable)', collectKeyValue)
    .action(
      async (
        source: string,
        o: {
          backendStoreUri?: string;
          json?: boolean;
          name: string;
          runId?: string;
          description?: string;
          tag?: Record<string, string>;
        },
      ) => {
        const client = ctx.client(o.backendStoreUri);
        const uri = sourceUri(source);
        const parsed = uriScheme(uri) === 'runs' ? parseModelUri(uri) : undefined;
        const runId = o.runId ?? (parsed?.kind === 'runs' ? parsed.runId : undefined);
        let created = true;
        try {
          await client.createRegisteredModel(o.name);
        } catch (e) {
          if (!MlflowError.isInstance(e) || e.code !== 'RESOURCE_ALREADY_EXISTS') throw e;
          created = false;
        }
        const mv = await client.createModelVersion(o.name, uri, {
          ...(runId !== undefined ? { runId } : {}),
          ...(o.description !== undefined ? { description: o.description } : {}),
          ...(o.tag ? { tags: o.tag } : {}),
        });
        if (o.json) return ctx.printJson({ model_version: mv });
        ctx.print(
          created
            ? `Successfully registered model '${o.name}'.`
            : `Registered model '${o.name}' already exists. Creating a new version of this model...`,
        );
        ctx.print(`Created version '${mv.version}' of model '${mv.name}'.`);
      },
    );
}
