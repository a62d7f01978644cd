import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { ModelVersionRow, RunStore } from '../core/store/run-store.js';
import type { Promotion } from './champion.js';

/** The run tag holding a version's model identity, so later reruns compare without reading every bundle. */
const TAG = 'model_identity';

/**
 * What a bundle is, without when and by which run it was made: the same data sha256, params (seed
 * included), code version and training give the same identity, because training is deterministic.
 */
export function modelIdentity(bundleText: string): string | null {
  let b: Record<string, unknown>;
  try {
    b = JSON.parse(bundleText) as Record<string, unknown>;
  } catch {
    return null;
  }
  const { created_at: _when, train_run_id: _run, payload_sha256: _seal, ...what } = b;
  return createHash('sha256').update(JSON.stringify(what)).digest('hex');
}

function identityOf(store: RunStore, v: ModelVersionRow): string | null {
  const tagged = store.tags(v.run_id)[TAG];
  if (tagged) return tagged;
  // Versions registered before identities were recorded: read from their bundle (verified by its sha256).
  if (!existsSync(v.path)) return null;
  const text = readFileSync(v.path, 'utf8');
  return createHash('sha256').update(text).digest('hex') === v.sha256 ? modelIdentity(text) : null;
}

/** The registered version a new bundle repeats (same identity), if any; the newest when several do. */
export function sameModelVersion(store: RunStore, bundleText: string, name: string): ModelVersionRow | undefined {
  const identity = modelIdentity(bundleText);
  if (identity === null) return undefined;
  return store.listModelVersions().filter((v) => v.name === name && identityOf(store, v) === identity).sort((a, b) => b.version - a.version)[0];
}

/**
 * Records the run's outcome: a repeat points at the existing version (no new version, aliases as they were);
 * anything else stores its identity for the next rerun. Call inside the registration transaction.
 */
export function recordModelIdentity(store: RunStore, runId: string, bundleText: string, same: ModelVersionRow | undefined): void {
  const identity = modelIdentity(bundleText);
  store.setTags(runId, { ...(identity ? { [TAG]: identity } : {}), ...(same ? { same_as_version: String(same.version) } : {}) });
}

/** How train's summary states a repeat, as ingest does for the same bytes. */
export function repeatPromotion(same: ModelVersionRow): Promotion {
  return {
    promoted: same.aliases.includes('champion'),
    reason: `same data sha256, params, code and seed as v${same.version}, which holds this exact model: no new version registered (aliases unchanged: ${same.aliases.join(', ') || 'none'}; --force registers anew)`,
    against: null,
  };
}
