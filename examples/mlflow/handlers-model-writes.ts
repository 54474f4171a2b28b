// Handlers that change the model registry: register, tag, alias, describe, transition, copy, and
// the three registry deletes. Every change is visible to later reads.
import { ArgumentError, optionalBool, optionalObject, requireString, requireVersion, tagValues } from './args.js';
import type { Args } from './args.js';
import { parseStage } from './handlers-models.js';
import { NotFoundError } from './registry.js';
import type { Registry, RegisteredModel } from './registry.js';
import { ok } from './result.js';
import type { ToolHandler } from './result.js';
import { versionView } from './views.js';

interface ModelSource {
  source: string;
  runId: string | null;
  modelId: string | null;
}

// The two URI forms the tool documents; each must point at something that exists.
function resolveModelUri(registry: Registry, uri: string): ModelSource {
  const logged = /^models:\/(m-[\w-]+)$/.exec(uri);
  if (logged?.[1]) {
    const model = registry.loggedModel(logged[1]);
    return { source: uri, runId: model.source_run_id, modelId: model.model_id };
  }
  const fromRun = /^runs:\/([^/]+)\/(.+)$/.exec(uri);
  if (fromRun?.[1] && fromRun[2]) {
    const run = registry.run(fromRun[1]);
    const path = fromRun[2].replace(/\/+$/, '');
    if (!Object.keys(run.artifacts).some((key) => key === path || key.startsWith(`${path}/`))) {
      throw new NotFoundError(`Run '${run.info.run_id}' has no artifact '${path}' to register`);
    }
    const modelId = [...registry.loggedModels.values()].find((m) => m.source_run_id === run.info.run_id)?.model_id;
    return { source: uri, runId: run.info.run_id, modelId: modelId ?? null };
  }
  throw new ArgumentError(`'model_uri' must look like 'models:/m-<id>' or 'runs:/<run_id>/<artifact_path>', got ${JSON.stringify(uri)}`);
}

function modelOrCreate(registry: Registry, name: string): { model: RegisteredModel; created: boolean } {
  const existing = registry.models.get(name);
  return existing ? { model: existing, created: false } : { model: registry.createModel(name), created: true };
}

function versionOf(registry: Registry, args: Args): { model: RegisteredModel; version: string } {
  const model = registry.model(requireString(args, 'name'));
  const version = requireVersion(args, 'version');
  registry.version(model.name, version);
  return { model, version };
}

export const MODEL_WRITE_HANDLERS: Record<string, ToolHandler> = {
  register_model: (registry, args) => {
    const name = requireString(args, 'model_name');
    const from = resolveModelUri(registry, requireString(args, 'model_uri'));
    const tags = tagValues('tags', optionalObject(args, 'tags') ?? {});
    const { model, created } = modelOrCreate(registry, name);
    const now = registry.now();
    const version = registry.addVersion(model, {
      creation_timestamp: now, last_updated_timestamp: now, current_stage: 'None', description: '',
      source: from.source, run_id: from.runId, model_id: from.modelId, status: 'READY', tags,
    });
    return ok({ registered_model_created: created, model_version: versionView(version, model) });
  },

  set_registered_model_tag: (registry, args) => {
    const model = registry.model(requireString(args, 'name'));
    const key = requireString(args, 'key');
    model.tags[key] = requireString(args, 'value');
    model.last_updated_timestamp = registry.now();
    return ok({ name: model.name, tags: { ...model.tags } });
  },

  set_model_alias: (registry, args) => {
    const { model, version } = versionOf(registry, args);
    const alias = requireString(args, 'alias');
    // MLflow reserves "latest" and version-like aliases (v1, V2) because they already mean something in URIs.
    if (!/^[A-Za-z0-9_-]+$/.test(alias) || alias.toLowerCase() === 'latest' || /^v\d+$/i.test(alias)) {
      throw new ArgumentError(`'alias' ${JSON.stringify(alias)} is not allowed (letters, digits, - and _; not "latest" or v<number>)`);
    }
    const previous = model.aliases[alias] ?? null;
    model.aliases[alias] = version;
    model.last_updated_timestamp = registry.now();
    return ok({ name: model.name, alias, version, previous_version: previous });
  },

  update_model_version: (registry, args) => {
    const { model, version } = versionOf(registry, args);
    const description = args.description;
    if (typeof description !== 'string') throw new ArgumentError(`'description' must be a string`);
    const entry = registry.version(model.name, version);
    entry.description = description;
    entry.last_updated_timestamp = registry.now();
    return ok({ model_version: versionView(entry, model) });
  },

  transition_model_version_stage: (registry, args) => {
    const { model, version } = versionOf(registry, args);
    const stage = parseStage(requireString(args, 'stage'), 'stage');
    const archiveExisting = optionalBool(args, 'archive_existing', false);
    const now = registry.now();
    const archived: string[] = [];
    if (archiveExisting && (stage === 'Staging' || stage === 'Production')) {
      for (const other of model.versions) {
        if (other.version !== version && other.current_stage === stage) {
          other.current_stage = 'Archived';
          other.last_updated_timestamp = now;
          archived.push(other.version);
        }
      }
    }
    const entry = registry.version(model.name, version);
    const previous = entry.current_stage;
    entry.current_stage = stage;
    entry.last_updated_timestamp = now;
    model.last_updated_timestamp = now;
    return ok({ model_version: versionView(entry, model), previous_stage: previous, archived_versions: archived });
  },

  copy_model_version: (registry, args) => {
    const srcName = requireString(args, 'src_model_name');
    const source = registry.version(srcName, requireVersion(args, 'src_version'));
    const { model, created } = modelOrCreate(registry, requireString(args, 'dst_model_name'));
    const now = registry.now();
    const copy = registry.addVersion(model, {
      creation_timestamp: now, last_updated_timestamp: now, current_stage: 'None', description: source.description,
      source: `models:/${srcName}/${source.version}`, run_id: source.run_id, model_id: source.model_id,
      status: 'READY', tags: { ...source.tags },
    });
    return ok({ registered_model_created: created, model_version: versionView(copy, model) });
  },

  delete_model_alias: (registry, args) => {
    const model = registry.model(requireString(args, 'name'));
    const alias = requireString(args, 'alias');
    const version = model.aliases[alias];
    if (version === undefined) throw new NotFoundError(`Registered model '${model.name}' has no alias '${alias}'`);
    delete model.aliases[alias];
    model.last_updated_timestamp = registry.now();
    return ok({ name: model.name, alias, deleted: true, version });
  },

  delete_model_version: (registry, args) => {
    const { model, version } = versionOf(registry, args);
    model.versions = model.versions.filter((v) => v.version !== version);
    const removed = Object.keys(model.aliases).filter((alias) => model.aliases[alias] === version);
    for (const alias of removed) delete model.aliases[alias];
    model.last_updated_timestamp = registry.now();
    return ok({ name: model.name, version, deleted: true, aliases_removed: removed });
  },

  delete_registered_model: (registry, args) => {
    const model = registry.model(requireString(args, 'name'));
    registry.deleteModel(model.name);
    return ok({ name: model.name, deleted: true, versions_deleted: model.versions.length });
  },
};
