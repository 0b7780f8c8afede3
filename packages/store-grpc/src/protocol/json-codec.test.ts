/** The JSON mapping agrees with protobufjs's own (fromObject → toObject, json: true) on every entity shape. */
import { describe, expect, it } from 'vitest';
import { coerceRequest, toMlflowJson } from './json-codec.js';
import { JSON_OPTIONS, lookupType } from './proto-root.js';

const viaProtobufjs = (name: string, value: object) => {
  const type = lookupType(name);
  return type.toObject(type.fromObject(value), JSON_OPTIONS);
};

const run = {
  info: {
    run_id: 'r',
    run_uuid: 'r',
    run_name: '',
    experiment_id: '1',
    user_id: '',
    status: 'FINISHED',
    start_time: 1700000000000,
    artifact_uri: 'mlflow-artifacts:/1/r/artifacts',
    lifecycle_stage: 'active',
    not_a_field: 'dropped',
  },
  data: {
    metrics: [
      { key: 'm', value: Number.NaN, timestamp: 1, step: 0 },
      { key: 'n', value: -Infinity, timestamp: 2, step: 3 },
    ],
    params: [],
    tags: [{ key: 't', value: '' }],
  },
  inputs: { dataset_inputs: [] },
  outputs: { model_outputs: [{ model_id: 'm-1', step: 2 }] },
};

describe('toMlflowJson', () => {
  it.each([
    ['GetRun.Response', { run }],
    ['SearchRuns.Response', { runs: [run, run], next_page_token: 'abc' }],
    ['SearchRuns.Response', { runs: [] }],
    ['UpdateRun.Response', { run_info: { ...run.info, status: 3 } }],
    [
      'GetExperiment.Response',
      {
        experiment: {
          experiment_id: '0',
          name: 'Default',
          artifact_location: 'x',
          lifecycle_stage: 'active',
          tags: [],
        },
      },
    ],
    [
      'GetModelVersion.Response',
      { model_version: { name: 'm', version: '1', status: 'READY', aliases: ['a'], tags: [], current_stage: 'None' } },
    ],
    [
      'ListArtifacts.Response',
      {
        root_uri: 'u',
        files: [
          { path: 'a', is_dir: true },
          { path: 'b', is_dir: false, file_size: 0 },
        ],
      },
    ],
  ])('%s matches protobufjs', (name, value) => {
    expect(toMlflowJson(lookupType(name), value)).toEqual(viaProtobufjs(name, value));
  });

  it('writes MLflow JSON: NaN as a string, empty lists and unknown keys gone', () => {
    expect(JSON.stringify(toMlflowJson(lookupType('GetRun.Response'), { run }))).not.toMatch(
      /params|not_a_field|dataset_inputs/,
    );
    expect(toMlflowJson(lookupType('GetRun.Response'), { run }).run).toMatchObject({
      data: { metrics: [{ value: 'NaN' }, { value: '-Infinity' }] },
    });
  });
});

describe('coerceRequest', () => {
  const searchRuns = lookupType('SearchRuns');
  it('reads query-string shapes: repeated keys, numbers and enums as strings', () => {
    expect(
      coerceRequest(searchRuns, { experiment_ids: '1', max_results: '10', run_view_type: '3', unknown: 'x' }),
    ).toEqual({ experiment_ids: ['1'], max_results: 10, run_view_type: 'ALL' });
    expect(coerceRequest(lookupType('TransitionModelVersionStage'), { archive_existing_versions: 'false' })).toEqual({
      archive_existing_versions: false,
    });
  });
  it('refuses wrong types with MLflow’s message', () => {
    expect(() => coerceRequest(searchRuns, { max_results: 'ten' })).toThrow(
      /Invalid value "ten" for parameter 'max_results' supplied/,
    );
    expect(() => coerceRequest(searchRuns, { run_view_type: 'SOME' })).toThrow(/run_view_type/);
    expect(() =>
      coerceRequest(lookupType('TransitionModelVersionStage'), { archive_existing_versions: 'yes' }),
    ).toThrow(/archive_existing_versions/);
    expect(() => coerceRequest(lookupType('LogBatch'), { metrics: [{ key: 'k', value: 'x' }] })).toThrow(
      /metrics\[0\]\.value/,
    );
    expect(() => coerceRequest(searchRuns, [1, 2])).toThrow(/JSON object/);
  });
  it('decodes a body that is a JSON string of JSON (old clients)', () => {
    expect(coerceRequest(lookupType('GetRun'), '{"run_id": "abc"}')).toEqual({ run_id: 'abc' });
  });
});
