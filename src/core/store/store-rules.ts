import { UserError } from '../errors.js';
import type { ModelVersionRow } from './run-store.js';

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
