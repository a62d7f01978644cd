import { UserError } from '../errors.js';
import type { ColumnSchema } from '../data/dataset.js';
import type { DatasetRow, ModelVersionRow } from './run-store.js';

/** Canonical JSON of role overrides (sorted keys), so equal overrides compare equal in SQL on either store. */
export function rolesKey(roles: Readonly<Record<string, string>>): string {
  return JSON.stringify(Object.fromEntries(Object.entries(roles).sort(([a], [b]) => a.localeCompare(b))));
}

/** A version of `name` by number, `vN`, or alias, with the same messages on both stores. */
export function pickModelVersion(all: readonly ModelVersionRow[], name: string, ref: string): ModelVersionRow {
  if (all.length === 0) throw new UserError(`no registered model '${name}'`, {}, 'train one first: credit-tui train --headless');
  const num = /^v?(\d+)$/.exec(ref);
  const hit = num ? all.find((v) => v.version === Number(num[1])) : all.find((v) => v.aliases.includes(ref));
  if (!hit) throw new UserError(`model '${name}' has no version or alias '${ref}'`, {}, `versions: ${all.map((v) => `v${v.version}${v.aliases.length ? ` (${v.aliases.join(', ')})` : ''}`).join(', ')}`);
  return hit;
}

/** `model_versions` rows as stored (metrics as JSON), each with its aliases: the same decoding on both stores. */
export function modelVersionRows(rows: readonly Record<string, unknown>[], aliases: readonly { name: string; alias: string; version: number }[]): ModelVersionRow[] {
  return rows.map((r) => {
    const { metrics_json, ...rest } = r;
    const base = rest as Omit<ModelVersionRow, 'metrics' | 'aliases'>;
    return {
      ...base,
      metrics: JSON.parse(metrics_json as string) as Record<string, number>,
      aliases: aliases.filter((a) => a.name === base.name && a.version === base.version).map((a) => a.alias),
    };
  });
}

/** A `datasets` row as stored (schema and roles as JSON), with its registered file hash and the path to read it from. */
export function datasetRow(r: Record<string, unknown>, fileSha256: string | null, path?: string): DatasetRow {
  const { schema_json, roles_json, ...rest } = r;
  const row = rest as Omit<DatasetRow, 'schema' | 'roles' | 'file_sha256'>;
  return {
    ...row,
    ...(path === undefined ? {} : { path }),
    schema: JSON.parse(schema_json as string) as ColumnSchema[],
    roles: JSON.parse(roles_json as string) as Record<string, string>,
    file_sha256: fileSha256,
  };
}

/**
 * The candidates of searches with their selection figures pivoted out of the metrics (the dashboard's runs
 * page), up to the WHERE clause: each store adds its own way of matching a list of parent run ids.
 */
export const CANDIDATE_FIGURES = `SELECT c.parent_run_id AS parent, c.run_id, c.name, p.value AS family,
    MAX(CASE WHEN m.key = 'selection' THEN m.value END) AS selection,
    MAX(CASE WHEN m.key = 'cv_auc_mean' THEN m.value END) AS cv_auc_mean,
    MAX(CASE WHEN m.key = 'cv_auc_std' THEN m.value END) AS cv_auc_std
  FROM runs c
  LEFT JOIN params p ON p.run_id = c.run_id AND p.key = 'family'
  LEFT JOIN metrics m ON m.run_id = c.run_id AND m.key IN ('selection', 'cv_auc_mean', 'cv_auc_std') AND m.step = 0`;
