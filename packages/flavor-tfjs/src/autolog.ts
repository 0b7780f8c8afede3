/**
 * Autologging for `model.fit`, MLflow-Keras style, through the fluent API:
 *
 *   await model.fit(x, y, { epochs: 5, callbacks: [await mlflowCallback()] });
 *
 * At train begin: a run (started only when none is active, and then ended at train end), the fit
 * params, optimizer and loss, EarlyStopping settings, and `model_summary.txt`. At each epoch end: the
 * epoch's logs (loss, acc, val_*) with step = epoch. At train end: `stopped_epoch` when EarlyStopping
 * stopped early, the trained model at `model` (tfjs flavor) and, if asked, a registered version.
 */
import { fluentSession } from '@mlflow-ts/client';
import type { FluentSession } from '@mlflow-ts/client';
import type { ModelVersion } from '@mlflow-ts/format';
import type { Callback, CustomCallbackArgs, LayersModel, Tensor } from '@tensorflow/tfjs';
import { earlyStoppingCallbacks, earlyStoppingParams, fitParams, modelParams } from './autolog-params.js';
import type { EarlyStoppingLike, FitArgsLike } from './autolog-params.js';
import { importTfjs } from './lazy-tfjs.js';
import type { Tfjs } from './lazy-tfjs.js';
import { logModel } from './log-model.js';
import { registerModel } from './register-model.js';

export interface AutologOptions {
  /** The fluent session to log through (default: the process-wide one behind `startRun` & co). */
  session?: FluentSession;
  /** Name of the run autologging starts when none is active. */
  runName?: string;
  /** Log the trained model at train end (default true). */
  logModels?: boolean;
  /** Artifact path of the logged model (default `model`). */
  artifactPath?: string;
  /** Saved beside the model as its input example. */
  inputExample?: unknown;
  /** Register the logged model under this name (and point `registeredModelAlias` at the version). */
  registeredModelName?: string;
  registeredModelAlias?: string;
  /** EarlyStopping callbacks of the same fit (`fitWithAutolog` finds them itself). */
  earlyStopping?: EarlyStoppingLike | EarlyStoppingLike[];
  /** The fit arguments, for params tfjs does not hand to callbacks (validation_split, shuffle). */
  fitArgs?: FitArgsLike;
  /** Log model_summary.txt (default true). */
  logModelSummary?: boolean;
}

/** What the callback did, readable after `fit` resolves. */
export interface AutologResult {
  runId?: string;
  /** `runs:/<run_id>/<artifact_path>` of the logged model. */
  modelUri?: string;
  modelVersion?: ModelVersion;
}

/** A tfjs `Callback` (so it mixes with EarlyStopping in one callbacks array) that logs to MLflow. */
export interface MlflowCallback extends Callback {
  readonly result: AutologResult;
}

type LogValue = number | Tensor;

async function numericLogs(logs: Record<string, LogValue> | undefined): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(logs ?? {})) {
    const n =
      typeof v === 'number'
        ? v
        : typeof (v as Tensor)?.data === 'function'
          ? (await (v as Tensor).data())[0]
          : undefined;
    if (typeof n === 'number') out[k] = n;
  }
  return out;
}

function summaryOf(model: LayersModel): string {
  const lines: string[] = [];
  model.summary(undefined, undefined, (...msg: unknown[]) => lines.push(msg.join(' ')));
  return `${lines.join('\n')}\n`;
}

const classes = new WeakMap<Tfjs, new (opts: AutologOptions) => MlflowCallback>();

function callbackClass(tf: Tfjs): new (opts: AutologOptions) => MlflowCallback {
  const existing = classes.get(tf);
  if (existing) return existing;
  class MlflowTfjsCallback extends tf.Callback {
    result: AutologResult = {};
    private startedRun = false;
    private readonly opts: AutologOptions;

    constructor(opts: AutologOptions) {
      super();
      this.opts = opts;
    }

    private get session(): FluentSession {
      return this.opts.session ?? fluentSession();
    }

    private earlyStopping(): EarlyStoppingLike[] {
      const es = this.opts.earlyStopping;
      return es === undefined ? earlyStoppingCallbacks(this.opts.fitArgs?.callbacks) : Array.isArray(es) ? es : [es];
    }

    override async onTrainBegin(): Promise<void> {
      this.result = {};
      this.startedRun = false;
      const session = this.session;
      if (!session.activeRun()) {
        await session.startRun(this.opts.runName !== undefined ? { runName: this.opts.runName } : {});
        this.startedRun = true;
      }
      this.result.runId = session.activeRun()!.runId;
      const params: Record<string, unknown> = {
        ...fitParams(this.params as Record<string, unknown>, this.opts.fitArgs),
        ...modelParams(this.model),
      };
      for (const es of this.earlyStopping()) Object.assign(params, earlyStoppingParams(es));
      await session.logParams(params);
      if (this.opts.logModelSummary !== false) await session.logText(summaryOf(this.model), 'model_summary.txt');
    }

    override async onEpochEnd(epoch: number, logs?: Record<string, LogValue>): Promise<void> {
      const metrics = await numericLogs(logs);
      if (Object.keys(metrics).length > 0) await this.session.logMetrics(metrics, { step: epoch });
    }

    override async onTrainEnd(): Promise<void> {
      const session = this.session;
      try {
        for (const es of this.earlyStopping()) {
          if (es.stoppedEpoch && es.stoppedEpoch > 0) await session.logMetric('stopped_epoch', es.stoppedEpoch);
        }
        await session.flush();
        if (this.opts.logModels !== false) {
          const runId = this.result.runId!;
          const artifactPath = this.opts.artifactPath ?? 'model';
          const client = session.client();
          const logged = await logModel(await client.stores(), runId, artifactPath, this.model, {
            ...(this.opts.inputExample !== undefined ? { inputExample: this.opts.inputExample } : {}),
          });
          this.result.modelUri = logged.modelUri;
          if (this.opts.registeredModelName) {
            this.result.modelVersion = await registerModel(client, this.opts.registeredModelName, runId, artifactPath, {
              ...(this.opts.registeredModelAlias ? { alias: this.opts.registeredModelAlias } : {}),
            });
          }
        }
      } catch (e) {
        if (this.startedRun) await session.endRun('FAILED').catch(() => undefined);
        this.startedRun = false;
        throw e;
      }
      if (this.startedRun) await session.endRun('FINISHED');
      this.startedRun = false;
    }

    /** Ends the run this callback started (FAILED), when fit throws before train end. */
    async abort(): Promise<void> {
      if (this.startedRun) await this.session.endRun('FAILED');
      this.startedRun = false;
    }
  }
  const cls = MlflowTfjsCallback as unknown as new (opts: AutologOptions) => MlflowCallback;
  classes.set(tf, cls);
  return cls;
}

/** A callback for `model.fit(..., { callbacks: [await mlflowCallback()] })`. */
export async function mlflowCallback(options: AutologOptions = {}): Promise<MlflowCallback> {
  const tf = await importTfjs();
  return new (callbackClass(tf))(options);
}

/** MLflow's name for the same thing: `callbacks: [await autolog()]`. */
export const autolog = mlflowCallback;

/**
 * `model.fit(x, y, fitArgs)` with autologging: finds EarlyStopping among the callbacks, logs the fit
 * arguments tfjs hides from callbacks, and ends the run it started as FAILED when fit throws.
 */
export async function fitWithAutolog(
  model: LayersModel,
  x: Parameters<LayersModel['fit']>[0],
  y: Parameters<LayersModel['fit']>[1],
  fitArgs: Parameters<LayersModel['fit']>[2] = {},
  options: AutologOptions = {},
): Promise<{ history: Awaited<ReturnType<LayersModel['fit']>> } & AutologResult> {
  const tf = await importTfjs();
  const callback = await mlflowCallback({ fitArgs: fitArgs as FitArgsLike, ...options });
  const given = fitArgs.callbacks;
  // With a Callback first, tfjs takes the whole array as Callbacks: wrap plain `{ onEpochEnd }` objects.
  const list = (Array.isArray(given) ? given : given == null ? [] : [given]).map((c) =>
    c instanceof tf.Callback || typeof (c as { setParams?: unknown }).setParams === 'function'
      ? c
      : new tf.CustomCallback(c as CustomCallbackArgs),
  );
  try {
    const history = await model.fit(x, y, { ...fitArgs, callbacks: [callback, ...list] as never });
    return { history, ...callback.result };
  } catch (e) {
    await (callback as unknown as { abort(): Promise<void> }).abort();
    throw e;
  }
}
