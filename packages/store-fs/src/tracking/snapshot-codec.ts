/**
 * The compact on-disk form of a RunSnapshot. Reopening a 10k-run store parses the whole snapshot
 * before the first search, and the verbose object form (a `{mtimeMs, size, ino}` object per file,
 * key names repeated in every run) was ~1.7 kB a run: its JSON.parse and the garbage collection of
 * what it built took about a third of the reopen. Tuples halve that. Non-finite metric values are
 * kept as strings (JSON has no NaN), which the object form lost.
 */
import type { RunInfo } from '@mlflow-ts/format';
import type { FileStamp, KeyTreeSnapshot, KeyValueSnapshot } from './key-tree.js';
import type { MetricSeriesSnapshot } from './metric-file.js';
import { type RunSnapshot, emptyLinks } from './run-entry.js';
import type { RunLinks } from './run-links.js';

type Stamp = [mtimeMs: number, size: number, ino: number];
type Tree = [rel: string, mtimeMs: number, size: number, ino: number, files: string[], dirs: string[]][];
type KeyValues = [tree: Tree, entries: [key: string, mtimeMs: number, size: number, ino: number, value: string][]];
type Latest = [timestamp: number, value: number | string, step: number, datasetName?: string, datasetDigest?: string];
type Metric = [key: string, ino: number, size: number, mtimeMs: number, offset: number, latest: Latest | 0];

/** One run: a tuple, see encodeRun. */
export type EncodedRun = [
  runId: string,
  meta: Stamp,
  /** RunInfo without run_uuid when it equals run_id (always, as MLflow writes it). */
  info: (Omit<RunInfo, 'run_uuid'> & { run_uuid?: string }) | null,
  error: string | null,
  params: KeyValues,
  tags: KeyValues,
  metricTree: Tree,
  metrics: Metric[],
  linkStamps: string,
  links: RunLinks | 0,
  linkDirStamp: Stamp | 0,
  /** The run directory's stamp when the entry may be trusted without a deep check (RunSnapshot.dirStamp). */
  dirStamp?: Stamp | 0,
];

const stamp = (s: FileStamp): Stamp => [s.mtimeMs, s.size, s.ino];
const unstamp = (s: Stamp): FileStamp => ({ mtimeMs: s[0], size: s[1], ino: s[2] });
const tree = (t: KeyTreeSnapshot): Tree =>
  t.listings.map(([rel, l]) => [rel, l.stamp.mtimeMs, l.stamp.size, l.stamp.ino, l.files, l.dirs]);
const untree = (t: Tree): KeyTreeSnapshot => ({
  listings: t.map(([rel, mtimeMs, size, ino, files, dirs]) => [rel, { stamp: { mtimeMs, size, ino }, files, dirs }]),
});
const keyValues = (kv: KeyValueSnapshot): KeyValues => [
  tree(kv.tree),
  kv.entries.map(([k, s, v]) => [k, s.mtimeMs, s.size, s.ino, v]),
];
const unkeyValues = ([t, entries]: KeyValues): KeyValueSnapshot => ({
  tree: untree(t),
  entries: entries.map(([k, mtimeMs, size, ino, v]) => [k, { mtimeMs, size, ino }, v]),
});
const num = (v: number): number | string => (Number.isFinite(v) ? v : String(v));
const unnum = (v: number | string): number => (typeof v === 'number' ? v : Number(v));

export function encodeRun(s: RunSnapshot): EncodedRun {
  let info: EncodedRun[2] = s.info;
  if (s.info && s.info.run_uuid === s.info.run_id) {
    const { run_uuid: _dropped, ...rest } = s.info;
    info = rest;
  }
  const metrics = s.metrics.map((m): Metric => {
    const p = m.latest;
    const latest: Latest | 0 = !p
      ? 0
      : p.dataset
        ? [p.timestamp, num(p.value), p.step, p.dataset.name, p.dataset.digest]
        : [p.timestamp, num(p.value), p.step];
    return [m.key, m.ino, m.size, m.mtimeMs, m.offset, latest];
  });
  return [
    s.runId,
    stamp(s.metaStamp),
    info,
    s.error,
    keyValues(s.params),
    keyValues(s.tags),
    tree(s.metricTree),
    metrics,
    s.linkStamps,
    emptyLinks(s.links) ? 0 : s.links,
    s.linkDirStamp ? stamp(s.linkDirStamp) : 0,
    s.dirStamp ? stamp(s.dirStamp) : 0,
  ];
}

export function decodeRun(e: EncodedRun): RunSnapshot {
  const [runId, meta, info, error, params, tags, metricTree, metrics, linkStamps, links, linkDirStamp, dirStamp] = e;
  if (typeof runId !== 'string' || typeof linkStamps !== 'string') throw new Error('not an encoded run');
  if (info && info.run_uuid === undefined) info.run_uuid = info.run_id;
  const out: RunSnapshot = {
    runId,
    metaStamp: unstamp(meta),
    info: info as RunInfo | null,
    error,
    params: unkeyValues(params),
    tags: unkeyValues(tags),
    metricTree: untree(metricTree),
    metrics: metrics.map(([key, ino, size, mtimeMs, offset, l]): MetricSeriesSnapshot => {
      let latest: MetricSeriesSnapshot['latest'] = null;
      if (l !== 0) {
        latest = { timestamp: l[0], value: unnum(l[1]), step: l[2] };
        if (l[3] !== undefined && l[4] !== undefined) latest.dataset = { name: l[3], digest: l[4] };
      }
      return { key, ino, size, mtimeMs, offset, latest };
    }),
    linkStamps,
    links: links === 0 ? { datasetInputs: [], modelInputs: [], modelOutputs: [] } : links,
  };
  if (linkDirStamp !== 0) out.linkDirStamp = unstamp(linkDirStamp);
  if (dirStamp) out.dirStamp = unstamp(dirStamp);
  return out;
}
