/**
 * The model registry: registered models (description, tags, aliases) and their versions in version
 * order (source, run and logged-model references renamed to the target's ids, description, tags,
 * stage). The target assigns version numbers; they match the source's unless the source has gaps
 * (deleted versions). Each target version carries its source number in a tag, so a version created
 * before a stop is found again instead of created twice.
 */
import { MlflowError, type ModelVersion, type RegisteredModel } from '@mlflow-ts/format';
import type { CopyContext } from './copy-context.js';
import { collectAll } from './paging.js';
import { SOURCE_VERSION_TAG } from './types.js';

const quote = (s: string) => `'${s.replace(/'/g, "\\'")}'`;

async function getOrNull(ctx: CopyContext, name: string): Promise<RegisteredModel | null> {
  try {
    return await ctx.target.registry!.getRegisteredModel(name);
  } catch (e) {
    if (MlflowError.isInstance(e) && e.code === 'RESOURCE_DOES_NOT_EXIST') return null;
    throw e;
  }
}

/** A version's source with the run / logged-model / artifact location renamed for the target. */
async function targetSource(ctx: CopyContext, v: ModelVersion): Promise<string> {
  let source = v.source;
  const runs = /^runs:\/([^/]+)(\/.*)?$/.exec(source);
  if (runs?.[1]) return `runs:/${ctx.runId(runs[1])}${runs[2] ?? ''}`;
  const model = /^models:\/(m-[^/]+)(\/.*)?$/.exec(source);
  if (model?.[1]) return `models:/${ctx.modelId(model[1]) ?? model[1]}${model[2] ?? ''}`;
  // A location inside the run's artifacts moves with them when the target keeps artifacts elsewhere.
  if (v.run_id && ctx.opts.artifactLocations === 'target') {
    try {
      const [from, to] = await Promise.all([
        ctx.source.tracking.getRun(v.run_id),
        ctx.target.tracking.getRun(ctx.runId(v.run_id)),
      ]);
      const root = from.info.artifact_uri.replace(/\/+$/, '');
      if (source === root || source.startsWith(`${root}/`))
        source = to.info.artifact_uri.replace(/\/+$/, '') + source.slice(root.length);
    } catch {
      // the run is gone: keep the source as it was
    }
  }
  return source;
}

async function copyVersions(ctx: CopyContext, name: string): Promise<void> {
  const from = ctx.source.registry!;
  const to = ctx.target.registry!;
  const filter = `name=${quote(name)}`;
  const versions = (
    await collectAll((page_token) => from.searchModelVersions({ filter, max_results: 1000, page_token }))
  ).sort((a, b) => Number(a.version) - Number(b.version));
  const key = (v: string) => `${name}\u0000${v}`;
  let there: Map<string, ModelVersion> | undefined;
  for (const v of versions) {
    let targetVersion = ctx.cp.get('version', key(v.version));
    if (!targetVersion) {
      there ??= new Map(
        (await collectAll((page_token) => to.searchModelVersions({ filter, max_results: 1000, page_token }))).flatMap(
          (t) => {
            const src = t.tags.find((x) => x.key === SOURCE_VERSION_TAG)?.value;
            return src ? [[src, t] as const] : [];
          },
        ),
      );
      targetVersion = there.get(v.version)?.version;
    }
    if (!targetVersion) {
      const source = await targetSource(ctx, v);
      const created = await ctx.write(() =>
        to.createModelVersion({
          name,
          source,
          ...(v.run_id ? { run_id: ctx.runId(v.run_id) } : {}),
          ...(v.run_link ? { run_link: v.run_link } : {}),
          ...(v.description ? { description: v.description } : {}),
          ...(v.model_id && ctx.modelId(v.model_id) ? { model_id: ctx.modelId(v.model_id) } : {}),
          tags: [...v.tags, { key: SOURCE_VERSION_TAG, value: v.version }],
        }),
      );
      targetVersion = created.version;
      ctx.summary.modelVersions++;
    }
    ctx.cp.put('version', key(v.version), targetVersion);
    const now = await to.getModelVersion(name, targetVersion);
    const haveTags = new Map(now.tags.map((t) => [t.key, t.value]));
    for (const t of v.tags) {
      if (haveTags.get(t.key) !== t.value)
        await ctx.write(() => to.setModelVersionTag(name, targetVersion, t.key, t.value));
    }
    if ((now.description ?? '') !== (v.description ?? '')) {
      await ctx.write(() => to.updateModelVersion(name, targetVersion, { description: v.description ?? '' }));
    }
    if (now.current_stage !== v.current_stage) {
      await ctx.write(() => to.transitionModelVersionStage(name, targetVersion, v.current_stage, false));
    }
  }
}

export async function copyRegistry(ctx: CopyContext): Promise<void> {
  const from = ctx.source.registry;
  const to = ctx.target.registry;
  if (!from) return;
  // Prompts are registered models too; the filter on their tag lists them with the rest.
  const models = new Map<string, RegisteredModel>();
  for (const filter of [undefined, "tags.`mlflow.prompt.is_prompt` = 'true'"]) {
    try {
      const page = await collectAll((page_token) =>
        from.searchRegisteredModels({ ...(filter ? { filter } : {}), max_results: 1000, page_token }),
      );
      for (const m of page) models.set(m.name, m);
    } catch (e) {
      if (!filter || !MlflowError.isInstance(e)) throw e; // a store without tag filters has no prompts to list
    }
  }
  const todo = [...models.values()].filter((m) => !ctx.cp.has('doneRegisteredModel', m.name));
  if (todo.length === 0) return;
  if (!to) {
    ctx.warn(`The target has no model registry; ${todo.length} registered models not copied`);
    return;
  }
  for (const model of todo) {
    let there = await getOrNull(ctx, model.name);
    if (!there) {
      there = await ctx.write(() =>
        to.createRegisteredModel({
          name: model.name,
          tags: model.tags,
          ...(model.description ? { description: model.description } : {}),
        }),
      );
    }
    const haveTags = new Map(there.tags.map((t) => [t.key, t.value]));
    for (const t of model.tags) {
      if (haveTags.get(t.key) !== t.value) await ctx.write(() => to.setRegisteredModelTag(model.name, t.key, t.value));
    }
    if ((there.description ?? '') !== (model.description ?? '')) {
      await ctx.write(() => to.updateRegisteredModel(model.name, { description: model.description ?? '' }));
    }
    await copyVersions(ctx, model.name);
    const haveAliases = new Map((await to.getRegisteredModel(model.name)).aliases.map((a) => [a.alias, a.version]));
    for (const a of model.aliases) {
      const version = ctx.cp.get('version', `${model.name}\u0000${a.version}`) ?? a.version;
      if (haveAliases.get(a.alias) !== version)
        await ctx.write(() => to.setRegisteredModelAlias(model.name, a.alias, version));
    }
    ctx.cp.put('doneRegisteredModel', model.name);
    ctx.summary.registeredModels++;
  }
}
