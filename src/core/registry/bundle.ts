import { createHash } from 'node:crypto';
import type { ColumnSchema } from '../data/dataset.js';
import type { Calibrator } from '../decision/calibration.js';
import type { DecisionRecord } from '../decision/policy.js';
import { UserError } from '../errors.js';
import type { FittedPreprocessor } from '../features/preprocess.js';
import type { TestMetrics } from '../metrics/classification.js';
import type { ModelState } from '../models/model.js';
import type { Candidate, Family } from '../params/grids.js';
import type { Params } from '../params/params.js';
import type { InputProfile } from '../scoring/profile.js';

export const BUNDLE_FORMAT = 'credit-tui-model/1';

/** The name versions are registered under. */
export const REGISTERED_MODEL = 'credit-risk';

/** Everything needed to score new applicants the way the model was evaluated, in one JSON file. */
export interface ModelBundle {
  readonly format: typeof BUNDLE_FORMAT;
  readonly created_at: string;
  readonly code_version: string;
  readonly family: Family;
  readonly candidate: Candidate;
  readonly dataset: { readonly name: string; readonly version: number; readonly digest: string };
  /** Input columns the model expects (features, with roles and known levels) and the target's name. */
  readonly schema: readonly ColumnSchema[];
  readonly preprocessor: FittedPreprocessor;
  /** Valid input values per column and the mean applicant, for validation and reason codes. */
  readonly input: InputProfile;
  readonly model: ModelState;
  /** Cost-optimal decision threshold on p(bad). */
  readonly threshold: number;
  readonly test_metrics: TestMetrics;
  readonly cv: { readonly metric: string; readonly mean: number; readonly std: number };
  readonly params: Params;
  readonly train_run_id: string;
  /** Maps the model's p(bad) to calibrated p(bad) (absent in bundles from before calibration existed = none). */
  readonly calibration?: Calibrator;
  /** How `threshold` was chosen (absent = the cost policy). */
  readonly decision?: DecisionRecord;
}

export interface SealedBundle extends ModelBundle {
  /** sha256 of the canonical JSON of every other field: detects edits inside the file. */
  readonly payload_sha256: string;
}

function payloadHash(b: ModelBundle): string {
  return createHash('sha256').update(JSON.stringify(b)).digest('hex');
}

export function sealBundle(b: ModelBundle): { text: string; sha256: string } {
  const sealed: SealedBundle = { ...b, payload_sha256: payloadHash(b) };
  const text = JSON.stringify(sealed);
  return { text, sha256: createHash('sha256').update(text).digest('hex') };
}

/** Parses and verifies a bundle: the file's sha256 must match the registry's, and the payload its own hash. */
export function openBundle(text: string, file: string, expectedSha256: string | null): ModelBundle {
  const sha = createHash('sha256').update(text).digest('hex');
  if (expectedSha256 !== null && sha !== expectedSha256) {
    throw new UserError(`model bundle has sha256 ${sha.slice(0, 12)}…, registry expects ${expectedSha256.slice(0, 12)}…: the file was changed; refusing it`, { file });
  }
  let parsed: SealedBundle;
  try {
    parsed = JSON.parse(text) as SealedBundle;
  } catch {
    throw new UserError('model bundle is not valid JSON: refusing it', { file });
  }
  if (parsed.format !== BUNDLE_FORMAT) throw new UserError(`unknown model bundle format ${JSON.stringify(parsed.format)}`, { file });
  const { payload_sha256, ...rest } = parsed;
  if (payloadHash(rest) !== payload_sha256) throw new UserError('model bundle content does not match its own sha256: refusing it', { file });
  return rest;
}
