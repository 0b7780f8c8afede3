import { PageStatus } from '../components/common.js';
import { CompareSection, CompareTable } from '../components/compare-section.js';
import { api, fetchArtifactText, modelVersionArtifactUrl, searchModelVersions } from '../lib/api.js';
import { formatNumber, formatTime, sqlString } from '../lib/format.js';
import { useAsync, useTitle } from '../lib/hooks.js';
import { links } from '../lib/router.js';
import { toTableRun } from '../lib/runs-data.js';
import type { TableRun } from '../lib/runs-data.js';
import type { ModelVersion, Run } from '../lib/types.js';
import { signatureFromMlmodel } from './model-version-page.js';

interface Compared {
  version: ModelVersion;
  run?: TableRun;
  signature: { inputs?: string; outputs?: string };
}

/** One column of the signature: `name: type` per input/output, or `-` for tensors without names. */
function schemaText(raw: string | undefined): string {
  if (!raw) return '';
  try {
    const list = JSON.parse(raw) as {
      name?: string;
      type?: string;
      'tensor-spec'?: { dtype?: string; shape?: number[] };
    }[];
    return list
      .map(
        (c) =>
          `${c.name ?? '-'}: ${c.type === 'tensor' ? `tensor ${c['tensor-spec']?.dtype ?? ''} [${(c['tensor-spec']?.shape ?? []).join(', ')}]` : (c.type ?? '')}`,
      )
      .join('\n');
  } catch {
    return raw;
  }
}

async function loadCompared(name: string, versions: string[]): Promise<Compared[]> {
  // One search for the versions (not one get per version), one get per source run (runs have no
  // experiment in the URL to batch them by), the MLmodel of each version for its signature.
  const filter = `name = ${sqlString(name)}`;
  const found = await searchModelVersions({ filter, max_results: 1000 });
  const byVersion = new Map(found.map((v) => [v.version, v]));
  const picked = versions.map((v) => byVersion.get(v)).filter((v): v is ModelVersion => v !== undefined);
  return Promise.all(
    picked.map(async (version): Promise<Compared> => {
      const [run, mlmodel] = await Promise.all([
        version.run_id
          ? api
              .get<{ run: Run }>('runs/get', { run_id: version.run_id })
              .then((r) => toTableRun(r.run))
              .catch(() => undefined)
          : Promise.resolve(undefined),
        fetchArtifactText(modelVersionArtifactUrl(name, version.version, 'MLmodel'))
          .then((r) => r.text)
          .catch(() => ''),
      ]);
      return { version, run, signature: signatureFromMlmodel(mlmodel) };
    }),
  );
}

/** MLflow's compare-model-versions page: versions side by side, their runs' params and metrics, signatures. */
export function CompareVersionsPage({ name, runsByVersion }: { name: string; runsByVersion: Record<string, string> }) {
  const versions = Object.keys(runsByVersion);
  useTitle(`Comparing ${versions.length} versions of ${name}`);
  const result = useAsync(() => loadCompared(name, versions), [name, versions.join()]);
  if (!result.data)
    return (
      <PageStatus state={result} what="Could not load the versions" loading={`Loading ${versions.length} versions…`} />
    );
  const rows = result.data;
  const keysOf = (pick: (r: TableRun) => Map<string, unknown>) =>
    [...new Set(rows.flatMap((c) => (c.run ? [...pick(c.run).keys()] : [])))].sort();
  const section = (title: string, keys: string[], value: (c: Compared, k: string) => string) => (
    <CompareSection
      title={title}
      keys={keys}
      items={rows}
      value={value}
      cellClass={title === 'Signature' ? 'pre' : undefined}
    />
  );
  return (
    <main class="page page-wide">
      <nav class="breadcrumbs" aria-label="Breadcrumb">
        <a href={links.models()}>Registered models</a> / <a href={links.model(name)}>{name}</a> / <span>Compare</span>
      </nav>
      <div class="page-head">
        <h1>
          Comparing {rows.length} versions of {name}
        </h1>
        {rows.length < versions.length ? <span class="muted">{versions.length - rows.length} not found</span> : null}
      </div>
      <CompareTable
        label="Version comparison"
        corner="Version"
        items={rows}
        itemKey={(c) => c.version.version}
        head={(c) => <a href={links.modelVersion(name, c.version.version)}>Version {c.version.version}</a>}
      >
        {section('Attributes', ['Registered at', 'Stage', 'Aliases', 'Source run', 'Description'], (c, k) =>
          k === 'Registered at'
            ? formatTime(c.version.creation_timestamp)
            : k === 'Stage'
              ? (c.version.current_stage ?? 'None')
              : k === 'Aliases'
                ? (c.version.aliases ?? []).map((a) => `@${a}`).join(' ')
                : k === 'Source run'
                  ? (c.run?.name ?? c.version.run_id ?? '')
                  : (c.version.description ?? ''),
        )}
        {section(
          'Parameters',
          keysOf((r) => r.params),
          (c, k) => c.run?.params.get(k) ?? '',
        )}
        {section(
          'Metrics',
          keysOf((r) => r.metrics),
          (c, k) => {
            const v = c.run?.metrics.get(k);
            return v === undefined ? '' : formatNumber(v);
          },
        )}
        {section('Signature', ['Inputs', 'Outputs'], (c, k) =>
          schemaText(k === 'Inputs' ? c.signature.inputs : c.signature.outputs),
        )}
      </CompareTable>
    </main>
  );
}
