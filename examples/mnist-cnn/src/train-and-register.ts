/**
 * The whole example as one function: load digits, train the CNN with autologging into a run,
 * evaluate on the test split, register the logged model and point an alias at it.
 */
import path from 'node:path';
import { FluentSession, localPathOfUri } from '@mlflow-ts/client';
import { fitWithAutolog, registerModel } from '@mlflow-ts/flavor-tfjs';
import type { Tensor } from '@mlflow-ts/format';
import * as tf from '@tensorflow/tfjs';
import { IMAGE_SIZE, loadDigits } from './mnist-data.js';
import { buildCnn } from './model.js';
import { ProgressBarCallback } from './progress.js';
import { registryClient } from './registry-client.js';

export interface TrainOptions {
  /** Default: MLFLOW_TRACKING_URI, else ./mlruns. */
  trackingUri?: string;
  experimentName?: string;
  trainSamples?: number;
  testSamples?: number;
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  validationSplit?: number;
  registeredModelName?: string;
  alias?: string;
  /** Draw a progress bar on stderr (default true). */
  progress?: boolean;
}

export interface TrainResult {
  runId: string;
  /** `models:/m-<id>`: the MLflow 3 logged model autolog created for the run. */
  loggedModelUri: string;
  /** `models:/<name>@<alias>` once registered; undefined when no registry was reachable. */
  modelUri?: string;
  version?: string;
  testAccuracy: number;
  testLoss: number;
  trackingUri: string;
  /** Local path of the logged model's serving_input_example.json (file stores only). */
  servingExamplePath?: string;
}

export const DEFAULTS = {
  experimentName: 'mnist-cnn',
  trainSamples: 2000,
  testSamples: 500,
  epochs: 2,
  batchSize: 32,
  learningRate: 0.005,
  validationSplit: 0.1,
  registeredModelName: 'mnist-cnn',
  alias: 'champion',
} as const;

export async function trainAndRegister(options: TrainOptions = {}): Promise<TrainResult> {
  const o = { ...DEFAULTS, ...options };
  const session = new FluentSession();
  if (options.trackingUri) session.setTrackingUri(options.trackingUri);
  const trackingUri = session.getTrackingUri();
  await session.setExperiment(o.experimentName);

  const { train, test } = loadDigits(o.trainSamples, o.testSamples);
  const model = buildCnn(o.learningRate);
  const run = await session.startRun({ runName: `mnist-cnn-${o.trainSamples}x${o.epochs}` });
  try {
    await session.logParams({ train_samples: train.size, test_samples: test.size });
    const example: Tensor = {
      dtype: 'float32',
      shape: [1, IMAGE_SIZE, IMAGE_SIZE, 1],
      data: test.images.slice([0, 0, 0, 0], [1, IMAGE_SIZE, IMAGE_SIZE, 1]).dataSync() as Float32Array,
    };
    const batchesPerEpoch = Math.ceil((train.size - Math.floor(train.size * o.validationSplit)) / o.batchSize);
    const callbacks = o.progress === false ? [] : [new ProgressBarCallback(batchesPerEpoch * o.epochs, o.epochs)];
    const { modelUri: loggedModelUri } = await fitWithAutolog(
      model,
      train.images,
      train.labels,
      { epochs: o.epochs, batchSize: o.batchSize, validationSplit: o.validationSplit, verbose: 0, callbacks },
      { session, inputExample: example },
    );
    const [lossT, accT] = model.evaluate(test.images, test.labels, { batchSize: 256 }) as tf.Scalar[];
    const testLoss = (await lossT!.data())[0]!;
    const testAccuracy = (await accT!.data())[0]!;
    tf.dispose([lossT!, accT!]);
    await session.logMetrics({ test_loss: testLoss, test_accuracy: testAccuracy });

    // MLflow 3: the model's files live at its logged model's artifact location, not in the run's artifacts.
    const tracking = await session.client().trackingStore();
    const modelId = loggedModelUri!.slice('models:/'.length);
    const artifactUri = tracking.getLoggedModel
      ? (await tracking.getLoggedModel(modelId)).info.artifact_uri
      : await session.getArtifactUri('model');
    const result: TrainResult = {
      runId: run.runId,
      loggedModelUri: loggedModelUri!,
      testAccuracy,
      testLoss,
      trackingUri,
    };
    if (/^file:\/\//i.test(artifactUri) || !/^[a-z][a-z0-9+.-]+:/i.test(artifactUri)) {
      result.servingExamplePath = path.join(localPathOfUri(artifactUri), 'serving_input_example.json');
    }
    const client = await registryClient(trackingUri);
    if (client) {
      const version = await registerModel(client, o.registeredModelName, run.runId, 'model', { alias: o.alias });
      result.version = version.version;
      result.modelUri = `models:/${o.registeredModelName}@${o.alias}`;
      await client.close();
    }
    await session.endRun('FINISHED');
    return result;
  } catch (e) {
    await session.endRun('FAILED').catch(() => undefined);
    throw e;
  } finally {
    tf.dispose([train.images, train.labels, test.images, test.labels]);
    model.dispose();
  }
}
