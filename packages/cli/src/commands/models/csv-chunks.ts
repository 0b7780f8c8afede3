/**
 * Streams a large CSV file as CSV texts of at most `rowsPerChunk` rows, each with the header line,
 * so every chunk goes through the same `text/csv` parsing as a `/invocations` request.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import Papa from 'papaparse';

export interface CsvChunk {
  csv: string;
  rows: number;
  /** File bytes read so far, for progress. */
  bytesRead: number;
  totalBytes: number;
}

export async function* csvChunks(file: string, rowsPerChunk: number): AsyncGenerator<CsvChunk> {
  const totalBytes = (await stat(file)).size;
  const source = createReadStream(file);
  const parser = Papa.parse(Papa.NODE_STREAM_INPUT, { skipEmptyLines: true });
  source.pipe(parser);
  let header: string[] | undefined;
  let rows: string[][] = [];
  const chunk = (): CsvChunk => {
    const out = {
      csv: Papa.unparse({ fields: header!, data: rows }),
      rows: rows.length,
      bytesRead: source.bytesRead,
      totalBytes,
    };
    rows = [];
    return out;
  };
  for await (const row of parser as AsyncIterable<string[]>) {
    if (!header) {
      header = row;
      continue;
    }
    rows.push(row);
    if (rows.length >= rowsPerChunk) yield chunk();
  }
  if (rows.length > 0 || !header) {
    if (!header) header = [];
    yield chunk();
  }
}
