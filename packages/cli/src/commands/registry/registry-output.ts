/** Human-readable tables and lines for registry entities (`--json` prints the REST bodies instead). */
import type { ModelVersion, RegisteredModel } from '@mlflow-ts/format';
import type { CliContext } from '../../cli-context.js';
import { formatTable, formatTime } from '../../output.js';

export function printRegisteredModels(ctx: CliContext, models: RegisteredModel[], nextPageToken?: string): void {
  ctx.print(
    formatTable(
      ['Name', 'Latest Versions', 'Aliases', 'Last Updated', 'Description'],
      models.map((m) => [
        m.name,
        m.latest_versions.map((v) => `${v.version} (${v.current_stage})`).join(', '),
        m.aliases.map((a) => `${a.alias}=${a.version}`).join(', '),
        formatTime(m.last_updated_timestamp),
        m.description ?? '',
      ]),
    ),
  );
  if (nextPageToken) ctx.print(`(more results: --page-token ${nextPageToken})`);
}

export function printRegisteredModel(ctx: CliContext, m: RegisteredModel): void {
  ctx.print(`Name:              ${m.name}`);
  ctx.print(`Description:       ${m.description ?? ''}`);
  ctx.print(`Created:           ${formatTime(m.creation_timestamp)}`);
  ctx.print(`Last Updated:      ${formatTime(m.last_updated_timestamp)}`);
  for (const v of m.latest_versions) ctx.print(`Latest Version:    ${v.version} (${v.current_stage}) ${v.source}`);
  for (const a of m.aliases) ctx.print(`Alias:             ${a.alias} -> ${a.version}`);
  for (const t of m.tags) ctx.print(`Tag:               ${t.key}=${t.value}`);
}

export function printModelVersions(ctx: CliContext, versions: ModelVersion[], nextPageToken?: string): void {
  ctx.print(
    formatTable(
      ['Name', 'Version', 'Stage', 'Aliases', 'Source', 'Last Updated'],
      versions.map((v) => [
        v.name,
        v.version,
        v.current_stage,
        v.aliases.join(', '),
        v.source,
        formatTime(v.last_updated_timestamp),
      ]),
    ),
  );
  if (nextPageToken) ctx.print(`(more results: --page-token ${nextPageToken})`);
}

export function printModelVersion(ctx: CliContext, v: ModelVersion): void {
  ctx.print(`Name:              ${v.name}`);
  ctx.print(`Version:           ${v.version}`);
  ctx.print(`Stage:             ${v.current_stage}`);
  ctx.print(`Status:            ${v.status}`);
  ctx.print(`Source:            ${v.source}`);
  if (v.run_id) ctx.print(`Run Id:            ${v.run_id}`);
  if (v.model_id) ctx.print(`Model Id:          ${v.model_id}`);
  if (v.description) ctx.print(`Description:       ${v.description}`);
  ctx.print(`Created:           ${formatTime(v.creation_timestamp)}`);
  ctx.print(`Last Updated:      ${formatTime(v.last_updated_timestamp)}`);
  if (v.aliases.length > 0) ctx.print(`Aliases:           ${v.aliases.join(', ')}`);
  for (const t of v.tags) ctx.print(`Tag:               ${t.key}=${t.value}`);
}
