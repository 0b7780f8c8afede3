/**
 * `text/csv` bodies: a header row then data, read like pandas `read_csv` — each column is numeric,
 * boolean or string as a whole, and pandas' default NA markers become null.
 */
import Papa from 'papaparse';
import { MlflowError } from '../errors.js';
import type { ParsedPayload } from '../model-input.js';

const NA_VALUES = new Set([
  '',
  '#N/A',
  '#N/A N/A',
  '#NA',
  '-1.#IND',
  '-1.#QNAN',
  '-NaN',
  '-nan',
  '1.#IND',
  '1.#QNAN',
  '<NA>',
  'N/A',
  'NA',
  'NULL',
  'NaN',
  'None',
  'n/a',
  'nan',
  'null',
]);
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$|^[+-]?(inf|infinity)$/i;
const TRUE = new Set(['True', 'TRUE', 'true']);
const FALSE = new Set(['False', 'FALSE', 'false']);

function convertColumn(cells: string[]): unknown[] {
  const present = cells.filter((c) => !NA_VALUES.has(c));
  if (present.length > 0 && present.every((c) => NUMBER.test(c.trim()))) {
    return cells.map((c) =>
      NA_VALUES.has(c) ? null : Number(c.trim().replace(/^([+-]?)inf(inity)?$/i, '$1Infinity')),
    );
  }
  if (present.length > 0 && present.every((c) => TRUE.has(c) || FALSE.has(c))) {
    return cells.map((c) => (NA_VALUES.has(c) ? null : TRUE.has(c)));
  }
  return cells.map((c) => (NA_VALUES.has(c) ? null : c));
}

function failure(why: string): MlflowError {
  return new MlflowError(
    'BAD_REQUEST',
    `Failed to parse input as a Pandas DataFrame. Ensure that the input is a valid CSV-formatted Pandas DataFrame produced using the \`pandas.DataFrame.to_csv()\` method. Error: '${why}'`,
  );
}

export function parseCsvPayload(text: string): ParsedPayload {
  const result = Papa.parse<string[]>(text, { header: false, delimiter: ',', skipEmptyLines: true });
  const fatal = result.errors.find((e) => e.type === 'Quotes');
  if (fatal) throw failure(`${fatal.message} (row ${fatal.row})`);
  const [header, ...body] = result.data;
  if (header === undefined || header.length === 0) throw failure('No columns to parse from file');
  for (const [i, row] of body.entries()) {
    if (row.length > header.length)
      throw failure(`Expected ${header.length} fields in line ${i + 2}, saw ${row.length}`);
  }
  // Short rows are padded with NA, as pandas does.
  const cells = (j: number) => body.map((row) => row[j] ?? '');
  const columns = header.map((_, j) => convertColumn(cells(j)));
  return {
    input: {
      kind: 'dataframe',
      columns: header.map((h, j) => (h === '' ? `Unnamed: ${j}` : h)),
      rows: body.map((_, i) => columns.map((col) => col[i])),
    },
  };
}
