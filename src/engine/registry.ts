import { existsSync, readFileSync } from 'node:fs';
import { calibratedModel } from '../core/decision/calibration.js';
import { UserError } from '../core/errors.js';
import { loadModel } from '../core/models/engines.js';
import type { Model } from '../core/models/model.js';
import { openBundle, type ModelBundle } from '../core/registry/bundle.js';
import type { ModelVersionRow, RunStore } from '../core/store/run-store.js';
import { REGISTERED_MODEL } from './train.js';

export interface LoadedModel {
  readonly version: ModelVersionRow;
  readonly bundle: ModelBundle;
  readonly model: Model;
}

/** A registered model version (number, `vN` or alias), its bundle verified against the registry's sha256. */
export function loadRegisteredModel(store: RunStore, ref = 'champion', name = REGISTERED_MODEL): LoadedModel {
  const version = store.resolveModelVersion(name, ref);
  // Registered on another machine: a shared store (PostgreSQL) holds the bytes; openBundle verifies the sha256.
  const kept = existsSync(version.path) ? null : store.artifactBytes(version.sha256);
  if (!existsSync(version.path) && !kept) {
    throw new UserError(`model version ${version.version} points at a missing file`, { file: version.path }, 'retrain, or promote another version');
  }
  const bundle = openBundle(kept ? Buffer.from(kept).toString('utf8') : readFileSync(version.path, 'utf8'), version.path, version.sha256);
  return { version, bundle, model: calibratedModel(loadModel(bundle.model), bundle.calibration) };
}
