#!/usr/bin/env node
/**
 * `npm start -- --train-samples 2000 --epochs 2`: trains, logs and registers the MNIST CNN, then
 * prints how to serve it.
 */
import { parseArgs } from 'node:util';
import { DEFAULTS, trainAndRegister } from './train-and-register.js';

function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer, got '${value}'`);
  return n;
}

async function run(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'train-samples': { type: 'string' },
      'test-samples': { type: 'string' },
      epochs: { type: 'string' },
      'batch-size': { type: 'string' },
      'tracking-uri': { type: 'string' },
      'no-progress': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(
      'usage: node dist/train.js [--train-samples N] [--test-samples N] [--epochs N] [--batch-size N] [--tracking-uri URI] [--no-progress]\n',
    );
    return;
  }
  const result = await trainAndRegister({
    trainSamples: positiveInt('train-samples', values['train-samples'], DEFAULTS.trainSamples),
    testSamples: positiveInt('test-samples', values['test-samples'], DEFAULTS.testSamples),
    epochs: positiveInt('epochs', values.epochs, DEFAULTS.epochs),
    batchSize: positiveInt('batch-size', values['batch-size'], DEFAULTS.batchSize),
    ...(values['tracking-uri'] ? { trackingUri: values['tracking-uri'] } : {}),
    progress: !values['no-progress'],
  });
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out(`run ${result.runId}: test accuracy ${result.testAccuracy.toFixed(4)}, test loss ${result.testLoss.toFixed(4)}`);
  out(`logged model: ${result.loggedModelUri} (tracking URI ${result.trackingUri})`);
  const uri = result.modelUri ?? result.loggedModelUri;
  if (result.modelUri)
    out(`registered: ${DEFAULTS.registeredModelName} version ${result.version}, alias ${DEFAULTS.alias}`);
  else out('not registered: no model registry is reachable for this tracking URI');
  out('');
  out('Serve it:');
  out(`  npx mlflow-ts models serve -m ${uri} -p 5001`);
  out('Then ask it for a prediction:');
  const body = result.servingExamplePath ? `@${result.servingExamplePath}` : `'{"inputs": [[[[0.0], ...]]]}'`;
  out(`  curl -s -X POST http://127.0.0.1:5001/invocations -H 'Content-Type: application/json' -d ${body}`);
}

run().catch((e: unknown) => {
  process.stderr.write(`error: ${(e as Error).message}\n`);
  process.exitCode = 1;
});
