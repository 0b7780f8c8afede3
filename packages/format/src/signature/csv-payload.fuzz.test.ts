/**
 * Fuzzing the `text/csv` scoring payload parser (fixed seed, bounded runs): any text either parses
 * into a rectangular dataframe or is refused with MLflow's BAD_REQUEST — never another exception.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MlflowError } from '../errors.js';
import { parseCsvPayload } from './csv-payload.js';

const SEED = 20261203;

function parseCleanly(text: string): ReturnType<typeof parseCsvPayload> | undefined {
  try {
    return parseCsvPayload(text);
  } catch (e) {
    if (MlflowError.isInstance(e) && e.code === 'BAD_REQUEST') return undefined;
    throw e;
  }
}

const cell = fc.oneof(
  fc.string({ maxLength: 6, unit: fc.constantFrom('a', '1', '.', '-', 'e', '"', ',', '\n', '\r', ' ', '€', '\\') }),
  fc.constantFrom(
    '',
    'NA',
    'nan',
    'inf',
    '-Infinity',
    'True',
    'false',
    '1e309',
    '0x10',
    '"quoted, with comma"',
    '"unterminated',
  ),
  fc.double().map(String),
);
const csv = fc
  .array(fc.array(cell, { maxLength: 5 }), { maxLength: 6 })
  .chain((rows) => fc.constantFrom('\n', '\r\n', '\r').map((eol) => rows.map((r) => r.join(',')).join(eol)));

describe('CSV payload parser fuzz', () => {
  it('arbitrary text parses or is refused with BAD_REQUEST', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200, unit: 'binary' }), (text) => {
        parseCleanly(text);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('CSV-shaped text gives a rectangular frame with one value per column', () => {
    let parsed = 0;
    fc.assert(
      fc.property(csv, (text) => {
        const result = parseCleanly(text);
        if (result === undefined) return;
        parsed++;
        const input = result.input as { kind: string; columns: string[]; rows: unknown[][] };
        expect(input.kind).toBe('dataframe');
        for (const row of input.rows) expect(row.length).toBe(input.columns.length);
      }),
      { seed: SEED, numRuns: 500 },
    );
    expect(parsed).toBeGreaterThan(50);
  });
});
