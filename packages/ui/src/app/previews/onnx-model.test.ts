/**
 * The in-browser ONNX summary against onnx-proto (protobufjs code generated from the full onnx.proto)
 * on every ONNX model in the repository: real models written by skl2onnx, tf2onnx and onnx.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import onnxProto from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { describeType, summarizeOnnx } from './onnx-model.js';

const repo = fileURLToPath(new URL('../../../../../', import.meta.url));
const serving = 'packages/serve/test/fixtures/mlflow-onnx-serving/models';
const models = [
  'fixtures/mlflow/tests/resources/onnx/sklearn_model.onnx',
  'fixtures/mlflow/tests/resources/onnx/tf_model_multiple_inputs_float32.onnx',
  'fixtures/mlflow/tests/resources/onnx/tf_model_multiple_inputs_float64.onnx',
  'fixtures/zakharovart01__mlops/onnx_model/model.onnx',
  ...readdirSync(join(repo, serving)).map((d) => `${serving}/${d}/model.onnx`),
];

describe('summarizeOnnx', () => {
  it.each(models)('agrees with onnx-proto on %s', (file) => {
    const bytes = readFileSync(join(repo, file));
    const s = summarizeOnnx(bytes);
    const m = onnxProto.onnx.ModelProto.decode(bytes);
    const g = m.graph;
    expect(g).toBeTruthy();
    if (!g) return;
    expect(s.irVersion).toBe(Number(m.irVersion));
    expect(s.producer).toBe([m.producerName, m.producerVersion].filter(Boolean).join(' '));
    expect(s.opsets).toEqual(
      (m.opsetImport ?? []).map((o) => ({ domain: o.domain || 'ai.onnx', version: Number(o.version) })),
    );
    expect(s.nodeCount).toBe(g.node?.length);
    const counts: Record<string, number> = {};
    for (const n of g.node ?? []) {
      const op = n.domain ? `${n.domain}.${n.opType}` : (n.opType ?? '');
      counts[op] = (counts[op] ?? 0) + 1;
    }
    expect(Object.fromEntries(s.ops.map((o) => [o.op, o.count]))).toEqual(counts);
    const initializers = new Set((g.initializer ?? []).map((t) => t.name));
    expect(s.inputs.map((v) => v.name)).toEqual((g.input ?? []).map((v) => v.name).filter((n) => !initializers.has(n)));
    expect(s.outputs.map((v) => v.name)).toEqual((g.output ?? []).map((v) => v.name));
    expect(s.initializers.count).toBe(g.initializer?.length ?? 0);
    // float32 initializers here, stored as float_data: 4 bytes each
    const floats = (g.initializer ?? []).reduce((n, t) => n + (t.floatData?.length ?? 0), 0);
    expect(s.initializers.bytes).toBe(floats * 4);
  });

  it('describes tensor, sequence and map types with their shapes', () => {
    const s = summarizeOnnx(readFileSync(join(repo, models[0] ?? '')));
    expect(s.inputs).toEqual([{ name: 'float_input', type: 'float32[?, 4]' }]);
    expect(s.outputs).toEqual([
      { name: 'output_label', type: 'int64[?]' },
      { name: 'output_probability', type: 'sequence<map<int64, float32>>' },
    ]);
    expect(describeType({ tensorType: { elemType: 1, shape: { dim: [{ dimValue: 0n, dimParam: 'batch' }] } } })).toBe(
      'float32[batch]',
    );
    expect(describeType({ tensorType: { elemType: 8 } })).toBe('string');
  });

  it('rejects bytes that are not a model', () => {
    expect(() => summarizeOnnx(new Uint8Array(64))).toThrow();
    expect(() => summarizeOnnx(new TextEncoder().encode('not a model at all'))).toThrow();
  });
});
