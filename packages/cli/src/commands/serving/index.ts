/**
 * The serving half of `mlflow-ts models`: serve, predict, save, log, generate-dockerfile. Each is a
 * `(ctx) => Command`; `servingModelsCommand` is the `models` group main.ts merges with the rest.
 */
import { Command } from 'commander';
import type { CliContext } from '../../cli-context.js';
import { modelsGenerateDockerfileCommand } from './dockerfile-command.js';
import { modelsLogCommand } from './log-command.js';
import { modelsPredictCommand } from './predict-command.js';
import { modelsSaveCommand } from './save-command.js';
import { modelsServeCommand } from './serve-command.js';

export { modelsGenerateDockerfileCommand } from './dockerfile-command.js';
export { modelsLogCommand } from './log-command.js';
export { modelsPredictCommand } from './predict-command.js';
export { modelsSaveCommand } from './save-command.js';
export { modelsServeCommand } from './serve-command.js';
export type { ServeHooks } from './serve-command.js';

export function servingModelsCommand(ctx: CliContext): Command {
  return new Command('models')
    .description('Serve, score, save and log models')
    .addCommand(modelsServeCommand(ctx))
    .addCommand(modelsPredictCommand(ctx))
    .addCommand(modelsSaveCommand(ctx))
    .addCommand(modelsLogCommand(ctx))
    .addCommand(modelsGenerateDockerfileCommand(ctx));
}
