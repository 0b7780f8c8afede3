/**
 * Parquet tables (hyparquet, in its own lazy chunk): the schema and the first rows. hyparquet reads
 * the footer, then only the column pages of the first rows; with a server that honours Range those
 * are the only bytes fetched, otherwise the download stops at {@link PARQUET_CAP}.
 */
import { parquetMetadataAsync, parquetReadObjects, parquetSchema } from 'hyparquet';
import type { FileMetaData, SchemaTree } from 'hyparquet';
import { KeyValueTable, Loading } from '../components/common.js';
import { formatBytes } from '../lib/format.js';
import { useAsync } from '../lib/hooks.js';
import { openArtifactBytes } from './artifact-bytes.js';
import { count } from './counts.js';
import { PreviewError } from './preview-error.js';
import { TablePreview } from './table-preview.js';

/** The most a Parquet preview downloads from a server that does not honour Range. */
const PARQUET_CAP = 64 << 20;
const PREVIEW_ROWS = 100;

function columnType(node: SchemaTree): string {
  const e = node.element;
  const logical = e.logical_type?.type ?? e.converted_type;
  const base = node.children.length > 0 ? 'group' : (e.type ?? '?');
  const type = logical ? `${base} (${logical})` : base;
  return `${type}${e.repetition_type === 'REQUIRED' ? '' : e.repetition_type === 'REPEATED' ? ', repeated' : ', nullable'}`;
}

function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object')
    return JSON.stringify(v, (_k, x: unknown) =>
      typeof x === 'bigint' ? x.toString() : x instanceof Uint8Array ? `<${x.length} bytes>` : x,
    );
  return String(v);
}

async function load(url: string) {
  const file = await openArtifactBytes(url, PARQUET_CAP, 'Parquet');
  const metadata: FileMetaData = await parquetMetadataAsync(file);
  const columns = parquetSchema(metadata).children;
  const names = columns.map((c) => c.element.name);
  const rows = await parquetReadObjects({
    file,
    metadata,
    rowStart: 0,
    rowEnd: Math.min(PREVIEW_ROWS, Number(metadata.num_rows)),
    useOffsetIndex: true,
  });
  return {
    metadata,
    columns,
    table: [names, ...rows.map((r) => names.map((n) => cell(r[n])))],
    ranged: file.ranged,
    size: file.byteLength,
  };
}

export function ParquetPreview({ url }: { url: string }) {
  const data = useAsync(() => load(url), [url]);
  if (data.error) return <PreviewError error={data.error} what="Not a readable Parquet file" />;
  if (!data.data) return <Loading />;
  const { metadata, columns, table } = data.data;
  const total = Number(metadata.num_rows);
  return (
    <div class="parquet-preview">
      <p class="muted small">
        {[count(total, 'row'), count(columns.length, 'column'), count(metadata.row_groups.length, 'row group')].join(
          ', ',
        )}
        , {formatBytes(data.data.size)}
        {metadata.created_by ? `; written by ${metadata.created_by}` : ''}.{' '}
        {total > PREVIEW_ROWS ? `Showing the first ${PREVIEW_ROWS} rows.` : ''}
      </p>
      <TablePreview rows={table} />
      <KeyValueTable caption="Schema" rows={columns.map((c) => [c.element.name, columnType(c)])} />
    </div>
  );
}
