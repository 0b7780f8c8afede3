/**
 * The mlflow-ts program: commander with one folder per command group under src/commands/.
 * Exit codes: 0 success, 1 user error (bad arguments, MlflowError: one line on stderr), 2 a bug
 * (stack on stderr).
 */
import { createRequire } from 'node:module';
import { Command, CommanderError } from 'commander';
import { MlflowError } from '@mlflow-ts/format';
import type { StoreRegistry } from '@mlflow-ts/client';
import { createCliContext, processIO, type CliContext, type CliIO, type CommandGroup } from './cli-context.js';
import { UsageError } from './usage-error.js';

const LAZY = Symbol.for('mlflow-ts.lazyCommandGroup');

interface LazyInfo {
  /** The top-level command the group builds (its module is not imported to learn it). */
  command: string;
  load(): Promise<CommandGroup>;
  loaded?: CommandGroup;
}

type MaybeLazy = CommandGroup & { [LAZY]?: LazyInfo };

/**
 * A command group whose module is imported only when its command runs (or when help lists every
 * command): the groups pull in grpc-js, protobufjs, fastify, onnxruntime and tfjs, and a process
 * that serves a model should not pay for the tracking server's dependencies, nor `--version` for any.
 * `main` loads what a command line needs; `buildProgram` includes a lazy group once it is loaded.
 */
export function lazyCommandGroup(command: string, load: () => Promise<CommandGroup>): CommandGroup {
  const info: LazyInfo = { command, load };
  const group: MaybeLazy = (ctx: CliContext) => {
    if (!info.loaded) throw new Error(`Command group '${command}' is not loaded; await loadCommandGroups() first`);
    return info.loaded(ctx);
  };
  group[LAZY] = info;
  return group;
}

/**
 * Imports the lazy groups among `groups` that the command line `args` (without node and script)
 * needs: those building its command, none for a bare `--version`, all otherwise (help, an unknown
 * command, no arguments). Without `args`, all of them.
 */
export async function loadCommandGroups(groups: readonly CommandGroup[], args?: readonly string[]): Promise<void> {
  const lazy = groups.map((g) => (g as MaybeLazy)[LAZY]).filter((i): i is LazyInfo => i !== undefined);
  let wanted = lazy;
  if (args !== undefined) {
    // Program options (--version, --help) take no value, so the first operand is the command.
    const command = args.find((a) => !a.startsWith('-'));
    if (args[0] === '--version') wanted = [];
    else if (command !== undefined && lazy.some((i) => i.command === command))
      wanted = lazy.filter((i) => i.command === command);
  }
  await Promise.all(
    wanted.map(async (i) => {
      i.loaded ??= await i.load();
    }),
  );
}

function isReady(group: CommandGroup): boolean {
  const info = (group as MaybeLazy)[LAZY];
  return info === undefined || info.loaded !== undefined;
}

/**
 * THE REGISTRATION LIST. Every command group module exports a `CommandGroup` (`(ctx) => Command`),
 * listed here lazily under the name of the command it builds, one group per top-level command
 * (its subcommands live in that group's folder).
 */
export const commandGroups: CommandGroup[] = [
  lazyCommandGroup('server', async () => (await import('./commands/server/index.js')).serverCommand),
  lazyCommandGroup('ui', async () => (await import('./commands/ui/index.js')).uiCommand),
  lazyCommandGroup('experiments', async () => (await import('./commands/experiments/index.js')).experimentsCommand),
  lazyCommandGroup('runs', async () => (await import('./commands/runs/index.js')).runsCommand),
  lazyCommandGroup('artifacts', async () => (await import('./commands/artifacts/index.js')).artifactsCommand),
  lazyCommandGroup('metrics', async () => (await import('./commands/metrics/index.js')).metricsCommand),
  lazyCommandGroup('models', async () => (await import('./commands/models/index.js')).modelsCommand),
  lazyCommandGroup(
    'registered-models',
    async () => (await import('./commands/registry/registered-models.js')).registeredModelsCommand,
  ),
  lazyCommandGroup(
    'model-versions',
    async () => (await import('./commands/registry/model-versions.js')).modelVersionsCommand,
  ),
  lazyCommandGroup('run', async () => (await import('./commands/run/index.js')).runCommand),
  lazyCommandGroup('gc', async () => (await import('./commands/gc/index.js')).gcCommand),
  lazyCommandGroup('db', async () => (await import('./commands/db/index.js')).dbCommand),
  lazyCommandGroup('sync', async () => (await import('./commands/sync/index.js')).syncCommand),
];

export interface MainOptions {
  io?: CliIO;
  /** The scheme → store registry used to open tracking URIs (default: file only). */
  storeRegistry?: StoreRegistry;
  /** Overrides `commandGroups` (tests, embedders). */
  groups?: CommandGroup[];
}

const pkg = createRequire(import.meta.url)('../package.json') as { version: string };

/** exitOverride/configureOutput are not inherited by `addCommand`, so apply them to the whole tree. */
function configureTree(cmd: Command, io: CliIO): void {
  cmd.exitOverride();
  cmd.configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) });
  cmd.showHelpAfterError('(add --help for usage)');
  for (const sub of cmd.commands) configureTree(sub, io);
}

/** The commander program over `groups`; lazy groups not yet loaded (see `loadCommandGroups`) are left out. */
export function buildProgram(
  ctx: ReturnType<typeof createCliContext>,
  groups: CommandGroup[] = commandGroups,
): Command {
  const program = new Command('mlflow-ts')
    .description('mlflow-ts: MLflow-compatible tracking, models and serving from Node.js')
    .version(pkg.version, '--version', 'print the version')
    // Program options count only before the command, so a subcommand may have its own `--version`
    // (e.g. `model-versions get --version 3`).
    .enablePositionalOptions();
  for (const group of groups) if (isReady(group)) program.addCommand(group(ctx));
  configureTree(program, ctx.io);
  return program;
}

function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, ' ').trim();
}

/** A missing or unreadable local file named on the command line is the caller's mistake, not a bug. */
function isFsUserError(e: unknown): e is Error {
  const code = (e as { code?: unknown } | null)?.code;
  return (
    e instanceof Error &&
    typeof code === 'string' &&
    ['ENOENT', 'EACCES', 'EISDIR', 'ENOTDIR', 'EEXIST', 'EPERM'].includes(code)
  );
}

/** Runs the CLI. `argv` is `process.argv`-shaped: [node, script, ...args]. Resolves to the exit code. */
export async function main(argv: string[], options: MainOptions = {}): Promise<number> {
  const io = options.io ?? processIO();
  const groups = options.groups ?? commandGroups;
  const ctx = createCliContext(io, options.storeRegistry);
  try {
    await loadCommandGroups(groups, argv.slice(2));
    const program = buildProgram(ctx, groups);
    await program.parseAsync(argv, { from: 'node' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode; // commander has already printed the reason
    if (MlflowError.isInstance(e)) {
      io.stderr(`Error (${e.code}): ${oneLine(e.message)}\n`);
      return 1;
    }
    if (UsageError.isInstance(e)) {
      io.stderr(`Error: ${oneLine(e.message)}\n`);
      return 1;
    }
    if (isFsUserError(e)) {
      io.stderr(`Error: ${oneLine(e.message)}\n`);
      return 1;
    }
    io.stderr(
      `mlflow-ts: internal error (please report it):\n${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
    );
    return 2;
  } finally {
    await ctx.close();
  }
}
