/**
 * What autologging records about a `fit` call, named as MLflow's Keras autologging names it:
 * fit arguments, the optimizer and loss, and EarlyStopping's settings.
 */
import type { LayersModel } from '@tensorflow/tfjs';

/** The `fit` arguments autologging reads (a subset of tfjs `ModelFitArgs`). */
export interface FitArgsLike {
  epochs?: number;
  batchSize?: number;
  validationSplit?: number;
  validationData?: unknown;
  shuffle?: boolean;
  initialEpoch?: number;
  classWeight?: unknown;
  callbacks?: unknown;
}

/** The fields of a tfjs `EarlyStopping` callback that autologging reads. */
export interface EarlyStoppingLike {
  monitor: string;
  patience: number;
  minDelta?: number;
  mode?: string;
  baseline?: number;
  stoppedEpoch?: number;
}

/** Duck-typed, because `instanceof` fails across two copies of tfjs. */
export function isEarlyStopping(c: unknown): c is EarlyStoppingLike {
  const o = c as Partial<EarlyStoppingLike> | null;
  return (
    typeof o === 'object' &&
    o !== null &&
    typeof o.monitor === 'string' &&
    typeof o.patience === 'number' &&
    typeof o.minDelta === 'number'
  );
}

/** The EarlyStopping callbacks among `fit`'s callbacks. */
export function earlyStoppingCallbacks(callbacks: unknown): EarlyStoppingLike[] {
  const list = Array.isArray(callbacks) ? callbacks : callbacks == null ? [] : [callbacks];
  return list.filter(isEarlyStopping);
}

function lossName(loss: unknown): string | undefined {
  if (typeof loss === 'string') return loss;
  if (typeof loss === 'function') return loss.name || 'custom';
  if (Array.isArray(loss)) return loss.map((l) => lossName(l) ?? 'custom').join(',');
  if (loss && typeof loss === 'object')
    return Object.entries(loss)
      .map(([k, v]) => `${k}:${lossName(v) ?? 'custom'}`)
      .join(',');
  return undefined;
}

/** Optimizer name, learning rate and loss of a compiled model. */
export function modelParams(model: LayersModel): Record<string, string | number> {
  const params: Record<string, string | number> = {};
  const optimizer = model.optimizer as (LayersModel['optimizer'] & { learningRate?: number }) | undefined;
  if (optimizer) {
    params.optimizer_name = optimizer.getClassName();
    const config = optimizer.getConfig() as Record<string, unknown>;
    const lr = config.learningRate ?? optimizer.learningRate;
    if (typeof lr === 'number') params.learning_rate = lr;
  }
  const loss = lossName((model as unknown as { loss?: unknown }).loss);
  if (loss) params.loss = loss;
  return params;
}

/** The fit arguments MLflow logs, from tfjs's callback params and (when known) the fit call itself. */
export function fitParams(
  callbackParams: Record<string, unknown>,
  fitArgs: FitArgsLike | undefined,
): Record<string, string | number | boolean> {
  const params: Record<string, string | number | boolean> = {};
  const epochs = fitArgs?.epochs ?? callbackParams.epochs;
  if (typeof epochs === 'number') params.epochs = epochs;
  const batchSize = fitArgs?.batchSize ?? callbackParams.batchSize;
  if (typeof batchSize === 'number') params.batch_size = batchSize;
  if (fitArgs) {
    params.validation_split = fitArgs.validationSplit ?? 0;
    params.shuffle = fitArgs.shuffle ?? true;
    params.initial_epoch = fitArgs.initialEpoch ?? 0;
  } else if (typeof callbackParams.initialEpoch === 'number') {
    params.initial_epoch = callbackParams.initialEpoch;
  }
  return params;
}

/** EarlyStopping's settings as MLflow's Keras autologging logs them. */
export function earlyStoppingParams(es: EarlyStoppingLike): Record<string, string | number> {
  const params: Record<string, string | number> = { monitor: es.monitor, patience: es.patience };
  // tfjs (like Keras) stores minDelta negated when the monitored value should fall; log what the user gave.
  if (es.minDelta !== undefined) params.min_delta = Math.abs(es.minDelta);
  if (es.mode !== undefined) params.mode = es.mode;
  if (es.baseline !== undefined) params.baseline = es.baseline;
  return params;
}
