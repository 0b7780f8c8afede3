/** `mlflow-ts artifacts log|list|download`: a run's artifacts from the shell. */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { Command } from 'commander';
import { listArtifactsResponse } from '@mlflow-ts/client';
import type { CliContext } from '../../cli-context.js';
import { withStoreOption, storeCommand } from '../../options.js';
import { formatBytes, formatTable } from '../../output.js';
import { createProgress } from '../../progress.js';

interface ArtifactOpts {
  backendStoreUri?: string;
  runId: string;
  artifactPath?: string;
  json?: boolean;
}

export function artifactsCommand(ctx: CliContext): Command {
  const cmd = new Command('artifacts').description("upload, list and download a run's artifacts");

  withStoreOption(cmd.command('log').description('upload a local file or directory to a run'))
    .requiredOption('-r, --run-id <id>', 'run id')
    .requiredOption('-l, --local-path <path>', 'local file or directory')
    .option('-a, --artifact-path <path>', 'directory inside the run artifacts (default: the root)')
    .action(async (o: ArtifactOpts & { localPath: string }) => {
      const client = ctx.client(o.backendStoreUri);
      const local = path.resolve(o.localPath);
      const isDir = (await stat(local)).isDirectory();
      const progress = createProgress(ctx.io, 'upload');
      try {
        if (isDir) await client.logArtifacts(o.runId, local, o.artifactPath, progress.onProgress);
        else await client.logArtifact(o.runId, local, o.artifactPath, progress.onProgress);
      } finally {
        progress.stop();
      }
      const where = o.artifactPath ? `'${o.artifactPath}' of ` : '';
      ctx.print(`Logged ${isDir ? 'directory' : 'file'} ${o.localPath} to ${where}run ${o.runId}`);
    });

  storeCommand(cmd, 'list', "list one directory level of a run's artifacts")
    .requiredOption('-r, --run-id <id>', 'run id')
    .option('-a, --artifact-path <path>', 'directory inside the run artifacts (default: the root)')
    .action(async (o: ArtifactOpts) => {
      const client = ctx.client(o.backendStoreUri);
      const run = await client.getRun(o.runId);
      const files = await client.listArtifacts(o.runId, o.artifactPath);
      if (o.json) return ctx.printJson(listArtifactsResponse(run.info.artifact_uri, files));
      ctx.print(
        formatTable(
          ['Path', 'Size'],
          files.map((f) => [f.is_dir ? `${f.path}/` : f.path, f.is_dir ? '' : formatBytes(f.file_size ?? 0)]),
        ),
      );
    });

  withStoreOption(
    cmd.command('download').description('download a run artifact (file or directory) and print its local path'),
  )
    .requiredOption('-r, --run-id <id>', 'run id')
    .option('-a, --artifact-path <path>', 'file or directory inside the run artifacts (default: everything)')
    .option('-d, --dst-path <dir>', 'local directory to download into (default: a new temporary directory)')
    .action(async (o: ArtifactOpts & { dstPath?: string }) => {
      const client = ctx.client(o.backendStoreUri);
      const progress = createProgress(ctx.io, 'download');
      let local: string;
      try {
        local = await client.downloadArtifacts(
          o.runId,
          o.artifactPath ?? '',
          o.dstPath ? path.resolve(o.dstPath) : undefined,
          progress.onProgress,
        );
      } finally {
        progress.stop();
      }
      ctx.print(local);
    });

  return cmd;
}
