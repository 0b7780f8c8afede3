import { describe, expect, it } from 'vitest';
import { MlflowError } from '../errors.js';
import type { Tensor } from '../model-input.js';
import { enforceParams } from './param-values.js';
import { toMlflowJsonValue, toPrediction } from './prediction.js';
import { parseParamSchemaJson } from './schema-json.js';
import { fromHalfBits, toHalfBits } from './tensor-data.js';

const probs: Tensor = { dtype: 'float32', shape: [2, 2], data: new Float32Array([0.25, 0.75, 0.5, 0.5]) };
const labels: Tensor = { dtype: 'int64', shape: [2], data: new BigInt64Array([1n, 0n]) };

describe('toPrediction', () => {
  it('one output → nested list, BigInt → number', () => {
    expect(toPrediction(probs)).toEqual([
      [0.25, 0.75],
      [0.5, 0.5],
    ]);
    expect(toPrediction({ label: labels })).toEqual([1, 0]);
  });

  it('several outputs → map of nested lists', () => {
    expect(toPrediction({ label: labels, probs })).toEqual({
      label: [1, 0],
      probs: [
        [0.25, 0.75],
        [0.5, 0.5],
      ],
    });
  });

  it('records orient flattens each output into one column per row', () => {
    const variable: Tensor = { dtype: 'float32', shape: [2, 1], data: new Float32Array([1.5, NaN]) };
    expect(toPrediction({ label: labels, variable }, { orient: 'records' })).toEqual([
      { label: 1, variable: 1.5 },
      { label: 0, variable: NaN },
    ]);
    expect(() => toPrediction({ label: labels, probs }, { orient: 'records' })).toThrow(
      /Output 'probs' has 4 values but 'label' has 2/,
    );
  });

  it('bool and float16 tensors become booleans and numbers', () => {
    expect(toPrediction({ dtype: 'bool', shape: [2], data: new Uint8Array([1, 0]) })).toEqual([true, false]);
    expect(toPrediction({ dtype: 'float16', shape: [1], data: new Uint16Array([toHalfBits(0.5)]) })).toEqual([0.5]);
    expect(fromHalfBits(toHalfBits(65504))).toBe(65504);
    expect(fromHalfBits(toHalfBits(1e6))).toBe(Infinity);
  });
});

describe('toMlflowJsonValue', () => {
  it('writes non-finite numbers as strings and converts bytes, dates, bigints and tensors', () => {
    expect(
      toMlflowJsonValue({
        a: [NaN, Infinity, -Infinity, 1],
        b: 2n,
        c: new Uint8Array([1, 2, 3]),
        d: new Date(0),
        t: labels,
      }),
    ).toEqual({
      a: ['NaN', 'Infinity', '-Infinity', 1],
      b: 2,
      c: 'AQID',
      d: '1970-01-01T00:00:00.000Z',
      t: [1, 0],
    });
  });
});

describe('enforceParams', () => {
  const schema = parseParamSchemaJson(
    '[{"name": "temperature", "default": 0.5, "shape": null, "type": "float"}, ' +
      '{"name": "n", "default": 1, "shape": null, "type": "long"}, ' +
      '{"name": "stop", "default": ["x"], "shape": [-1], "type": "string"}, ' +
      '{"name": "when", "default": "2024-01-01T00:00:00", "shape": null, "type": "datetime"}]',
  );

  it('fills defaults, drops unknown params and converts types', () => {
    expect(enforceParams({ n: '3', unknown: 1, stop: ['a', 'b'] }, schema)).toEqual({
      temperature: 0.5,
      n: 3,
      stop: ['a', 'b'],
      when: new Date('2024-01-01T00:00:00Z'),
    });
    expect(enforceParams({ temperature: 1 }, schema).temperature).toBe(1);
  });

  it('without a params schema every param is ignored', () => {
    expect(enforceParams({ a: 1 })).toEqual({});
    expect(enforceParams(undefined)).toEqual({});
  });

  it('reports every invalid param with its name and type', () => {
    try {
      enforceParams({ n: 1.5, stop: 'a' }, schema);
      throw new Error('expected failure');
    } catch (e) {
      expect(MlflowError.isInstance(e) && e.code).toBe('INVALID_PARAMETER_VALUE');
      expect((e as Error).message).toMatch(
        /^Invalid parameters found: \{\('n', .*Can not safely convert float64 to int64.*\('stop', .*1D array with shape \(-1,\)/,
      );
    }
    expect(() => enforceParams([1] as never, schema)).toThrow(/Parameters must be a dictionary. Got type 'list'/);
  });
});
