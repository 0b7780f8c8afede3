/**
 * @mlflow-ts/cli — the `mlflow-ts` command line. The binary is dist/bin.js; embedders and command
 * group authors use these exports.
 */
export { buildProgram, commandGroups, main } from './main.js';
export type { MainOptions } from './main.js';
export { createCliContext, processIO } from './cli-context.js';
export type { CliContext, CliIO, CommandGroup, Env } from './cli-context.js';
export {
  collect,
  collectKeyValue,
  parseInteger,
  parseNumber,
  viewOption,
  withJsonOption,
  withStoreOption,
} from './options.js';
export { UsageError } from './usage-error.js';
