/**
 * MLmodel text ⇄ object. Reading follows `yaml.safe_load`; writing is `Model.to_yaml`, i.e.
 * `yaml.safe_dump(d, default_flow_style=False)`: keys sorted, block style, PyYAML quoting and folding,
 * ASCII only — so a file we write is byte-identical to the one MLflow writes for the same dict.
 */
import type { ZodType } from 'zod';
import { safeDumpYaml } from './pyyaml-dump.js';
import { safeLoadYaml } from './pyyaml-load.js';
import { validateMLmodel, type MLmodel } from './mlmodel-schema.js';

export const MLMODEL_FILE_NAME = 'MLmodel';

/** Parses and validates MLmodel YAML; `flavorSchemas` adds checks for those flavor sections. */
export function parseMLmodel(yamlText: string, flavorSchemas?: Record<string, ZodType>): MLmodel {
  return validateMLmodel(safeLoadYaml(yamlText, 'MLmodel YAML'), flavorSchemas);
}

/** Writes an MLmodel exactly as MLflow's `Model.save` would write the same dict. */
export function serializeMLmodel(m: MLmodel): string {
  return safeDumpYaml(m, { sortKeys: true, allowUnicode: false });
}
