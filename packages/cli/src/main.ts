/**
 * The mlflow-ts program: commander with one folder per command group under src/commands/.
 * Exit codes: 0 success, 1 user error (bad arguments, MlflowError: one line on stderr), 2 a bug
 * (stack on stderr).
 */
import { createRequire } from 'node:module';
import { Command, CommanderError } from 'commander';
import { MlflowError } from '@mlflow-ts/format';
import type { StoreRegistry } from '@mlflow-ts/client';
import { createCliContext, processIO, type CliIO, type CommandGroup } from './cli-context.js';
import { artifactsCommand } from './commands/artifacts/index.js';
import { experimentsCommand } from './commands/experiments/index.js';
import { metricsCommand } from './commands/metrics/index.js';
import { modelsCommand } from './commands/models/index.js';
import { modelVersionsCommand, registerModelCommand, registeredModelsCommand } from './commands/registry/index.js';
import { runsCommand } from './commands/runs/index.js';
import { serverCommand } from './commands/server/index.js';
import { servingModelsCommand } from './commands/serving/index.js';
import { tfjsModelsCommand } from './commands/tfjs/index.js';
import { UsageError } from './usage-error.js';

/**
 * THE REGISTRATION LIST. Every command group module exports a `CommandGroup` (`(ctx) => Command`).
 * Two groups that build a top-level command of the same name are merged: the later one's
 * subcommands are added to the earlier one (`models inspect` + `models serve` + `models register`).
 */
export const commandGroups: CommandGroup[] = [
  serverCommand,
  experimentsCommand,
  runsCommand,
  artifactsCommand,
  metricsCommand,
  modelsCommand,
  servingModelsCommand,
  tfjsModelsCommand,
  registerModelCommand,
  registeredModelsCommand,
  modelVersionsCommand,
];

export interface MainOptions {
  io?: CliIO;
  /** The scheme → store registry used to open tracking URIs (default: file only). */
  storeRegistry?: StoreRegistry;
  /** Overrides `commandGroups` (tests, embedders). */
  groups?: CommandGroup[];
}

const pkg = createRequire(import.meta.url)('../package.json') as { version: string };

function addGroup(program: Command, cmd: Command): void {
  const existing = program.commands.find((c) => c.name() === cmd.name());
  if (!existing) {
    program.addCommand(cmd);
    return;
  }
  for (const sub of cmd.commands) existing.addCommand(sub);
}

/** exitOverride/configureOutput are not inherited by `addCommand`, so apply them to the whole tree. */
function configureTree(cmd: Command, io: CliIO): void {
  cmd.exitOverride();
  cmd.configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) });
  cmd.showHelpAfterError('(add --help for usage)');
  for (const sub of cmd.commands) configureTree(sub, io);
}

export function buildProgram(ctx: ReturnType<typeof createCliContext>, groups: CommandGroup[] = commandGroups): Command {
  const program = new Command('mlflow-ts')
    .description('mlflow-ts: MLflow-compatible tracking, models and serving from Node.js')
    .version(pkg.version, '--version', 'print the version')
    // Program options count only before the command, so a subcommand may have its own `--version`
    // (e.g. `model-versions get --version 3`).
    .enablePositionalOptions();
  for (const group of groups) addGroup(program, group(ctx));
  configureTree(program, ctx.io);
  return program;
}

function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, ' ').trim();
}

/** A missing or unreadable local file named on the command line is the caller's mistake, not a bug. */
function isFsUserError(e: unknown): e is Error {
  const code = (e as { code?: unknown } | null)?.code;
  return e instanceof Error && typeof code === 'string' && ['ENOENT', 'EACCES', 'EISDIR', 'ENOTDIR', 'EEXIST', 'EPERM'].includes(code);
}

/** Runs the CLI. `argv` is `process.argv`-shaped: [node, script, ...args]. Resolves to the exit code. */
export async function main(argv: string[], options: MainOptions = {}): Promise<number> {
  const io = options.io ?? processIO();
  const ctx = createCliContext(io, options.storeRegistry);
  const program = buildProgram(ctx, options.groups);
  try {
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
    io.stderr(`mlflow-ts: internal error (please report it):\n${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 2;
  } finally {
    await ctx.close();
  }
}
