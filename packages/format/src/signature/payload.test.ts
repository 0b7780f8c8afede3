import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_FIXTURES as fixtures } from '../../test/repo-fixtures.js';
import { catchMlflowError } from '../testing/conformance-helpers.js';
import { contentTypeError, isSupportedContentType, parseScoringPayload } from './content-type.js';
import { parseCsvPayload } from './csv-payload.js';
import { parseJsonPayload } from './payload.js';

const badRequest = (fn: () => unknown): string => catchMlflowError(fn, 'BAD_REQUEST').message;

describe('parseJsonPayload', () => {
  it('reads the pima serving_input_example.json written by MLflow', () => {
    const text = readFileSync(
      path.join(fixtures, 'SubaashNair__pima-diabetes-mlflow/model/serving_input_example.json'),
      'utf8',
    );
    const { input, params } = parseScoringPayload(text, 'application/json');
    expect(params).toBeUndefined();
    expect(input.kind).toBe('dataframe');
    if (input.kind !== 'dataframe') return;
    expect(input.columns).toEqual(['pregnancies', 'glucose', 'diastolic', 'triceps', 'insulin', 'bmi', 'dpf', 'age']);
    expect(input.rows[0]).toEqual([7, 159, 64, 0, 0, 27.4, 0.294, 40]);
    expect(input.rows).toHaveLength(5);
  });

  it('dataframe_split: default columns, scalar rows, params', () => {
    expect(parseJsonPayload({ dataframe_split: { data: [[1, 2]] }, params: { k: 1 } })).toEqual({
      input: { kind: 'dataframe', columns: ['0', '1'], rows: [[1, 2]] },
      params: { k: 1 },
    });
    expect(parseJsonPayload({ dataframe_split: { columns: ['a'], data: [1, 2], index: [0, 1] } }).input).toEqual({
      kind: 'dataframe',
      columns: ['a'],
      rows: [[1], [2]],
    });
  });

  it('dataframe_split: rejects extra keys, missing data, non-dicts and width mismatches', () => {
    expect(badRequest(() => parseJsonPayload({ dataframe_split: { columns: ['a'], rows: [] } }))).toBe(
      "Invalid input. Dataframe split format must have 'data' field and optionally 'columns' and 'index' fields. Got {'columns', 'rows'}.'",
    );
    expect(badRequest(() => parseJsonPayload({ dataframe_split: [[1]] }))).toBe(
      'Invalid input. Dataframe split format must be a dictionary. Got list.',
    );
    expect(badRequest(() => parseJsonPayload({ dataframe_split: { columns: ['a', 'b'], data: [[1]] } }))).toMatch(
      /2 columns passed, passed data had 1 columns/,
    );
  });

  it('dataframe_records: records with missing keys become nulls; non-lists fail', () => {
    expect(parseJsonPayload({ dataframe_records: [{ a: 1 }, { b: 2, a: 3 }] }).input).toEqual({
      kind: 'dataframe',
      columns: ['a', 'b'],
      rows: [
        [1, null],
        [3, 2],
      ],
    });
    expect(badRequest(() => parseJsonPayload({ dataframe_records: { a: 1 } }))).toBe(
      'Invalid input. Dataframe records format must be a list of records. Got dictionary.',
    );
  });

  it('instances: list of objects pivots to columns; lengths must agree', () => {
    expect(
      parseJsonPayload({
        instances: [
          { a: 1, b: 'x' },
          { a: 2, b: 'y' },
        ],
      }).input,
    ).toEqual({ kind: 'tensors', tensors: { a: [1, 2], b: ['x', 'y'] } });
    expect(
      parseJsonPayload({
        instances: [
          [1, 2],
          [3, 4],
        ],
      }).input,
    ).toEqual({
      kind: 'tensor',
      value: [
        [1, 2],
        [3, 4],
      ],
    });
    expect(badRequest(() => parseJsonPayload({ instances: [{ a: 1, b: 2 }, { a: 3 }] }))).toMatch(
      /length of values for each input\/column name are not the same/,
    );
    expect(parseJsonPayload({ instances: [{ a: [1], b: 2 }, { b: 3 }] }).input).toEqual({
      kind: 'tensors',
      tensors: { a: [[1]], b: [2, 3] },
    });
  });

  it('inputs: dict is named tensors, anything else one value', () => {
    expect(parseJsonPayload({ inputs: { x: [[1, 2]] } }).input).toEqual({ kind: 'tensors', tensors: { x: [[1, 2]] } });
    expect(parseJsonPayload({ inputs: [[1, 2]] }).input).toEqual({ kind: 'tensor', value: [[1, 2]] });
    expect(parseJsonPayload({ inputs: 'hello', other: 1 }).input).toEqual({ kind: 'tensor', value: 'hello' });
  });

  it('rejects zero or several format keys, lists and scalars, with the protocol note', () => {
    const none = badRequest(() => parseJsonPayload({ data: [1] }));
    expect(none).toMatch(
      /^The input must be a JSON dictionary with exactly one of the input fields \{'dataframe_split', 'dataframe_records', 'instances', 'inputs'\}\. Received dictionary with input fields: \['data'\]\. IMPORTANT: The MLflow Model scoring protocol has changed/,
    );
    expect(badRequest(() => parseJsonPayload({ inputs: [1], instances: [1] }))).toMatch(
      /input fields: \['inputs', 'instances'\]/,
    );
    expect(badRequest(() => parseJsonPayload([1, 2]))).toMatch(/exactly one of the input fields.*Received a list\./);
    expect(badRequest(() => parseJsonPayload(3))).toMatch(/Received unexpected input type 'int'/);
    expect(badRequest(() => parseJsonPayload({ inputs: [1], params: [1] }))).toBe(
      "Parameters must be a dictionary. Got type 'list'.",
    );
  });
});

describe('parseCsvPayload', () => {
  it('types each column as a whole: numbers, booleans, strings; NA markers become null', () => {
    const { input } = parseCsvPayload('a,b,c,d\n1,True,x,2.5\n,False,NA,1e3\n3,,"q,r",nan\n');
    expect(input).toEqual({
      kind: 'dataframe',
      columns: ['a', 'b', 'c', 'd'],
      rows: [
        [1, true, 'x', 2.5],
        [null, false, null, 1000],
        [3, null, 'q,r', null],
      ],
    });
  });

  it('keeps a mixed column as strings and reads a single column', () => {
    expect(parseCsvPayload('v\n1\nabc').input).toEqual({ kind: 'dataframe', columns: ['v'], rows: [['1'], ['abc']] });
    expect(parseCsvPayload('x\n-inf\n2').input).toEqual({
      kind: 'dataframe',
      columns: ['x'],
      rows: [[-Infinity], [2]],
    });
  });

  it('fails on empty input and on rows wider than the header', () => {
    expect(badRequest(() => parseCsvPayload(''))).toMatch(
      /Failed to parse input as a Pandas DataFrame.*No columns to parse from file/,
    );
    expect(badRequest(() => parseCsvPayload('a\n1,2'))).toMatch(/Expected 1 fields in line 2, saw 2/);
  });
});

describe('content types', () => {
  it('accepts json and csv with a utf-8 charset only', () => {
    expect(isSupportedContentType('application/json')).toBe(true);
    expect(isSupportedContentType('text/csv; charset=UTF-8')).toBe(true);
    expect(isSupportedContentType('text/plain')).toBe(false);
    expect(isSupportedContentType(undefined)).toBe(false);
    expect(contentTypeError('application/json; charset=latin-1')).toBe('The scoring server only supports UTF-8');
    expect(contentTypeError('application/json; format=pandas-split')).toMatch(
      /^Unrecognized content type parameters: format\. IMPORTANT/,
    );
    expect(contentTypeError('text/plain')).toBe(
      "This predictor only supports the following content types: Types: ['text/csv', 'application/json']. Got 'text/plain'.",
    );
  });

  it('dispatches parsing on the content type', () => {
    expect(parseScoringPayload('a\n1', 'text/csv').input).toEqual({ kind: 'dataframe', columns: ['a'], rows: [[1]] });
    expect(parseScoringPayload('{"inputs": [1]}', 'application/json; charset=utf-8').input).toEqual({
      kind: 'tensor',
      value: [1],
    });
    expect(badRequest(() => parseScoringPayload('{"inputs": [1', 'application/json'))).toMatch(
      /^Invalid input. Ensure that input is a valid JSON formatted string/,
    );
    expect(badRequest(() => parseScoringPayload('x', 'text/plain'))).toMatch(
      /only supports the following content types/,
    );
  });
});
