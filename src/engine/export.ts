import { readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { UserError } from '../core/errors.js';
import { exportOnnx } from '../core/export/onnx-export.js';
import type { PointsScale } from '../core/scoring/decision.js';
import { resolveScale } from '../core/scorecard/scale.js';
import type { RunStore } from '../core/store/run-store.js';
import { refuseProjectFiles, writeFileAtomic, type Project } from './project.js';
import { loadRegisteredModel } from './registry.js';
import { CODE_VERSION } from './train.js';

export type ExportFormat = 'onnx' | 'json';

export interface ExportResult {
  readonly version: number;
  readonly family: string;
  readonly format: ExportFormat;
  readonly path: string;
  readonly bytes: number;
}

const EXTENSION: Record<ExportFormat, string> = { onnx: '.onnx', json: '.json' };

function checkExportPath(out: string, format: ExportFormat, project: Project): void {
  if (extname(out).toLowerCase() !== EXTENSION[format]) throw new UserError(`a ${format} export must be written to a ${EXTENSION[format]} file`, { file: out });
  refuseProjectFiles(out, project);
}

/**
 * Writes a registered version (its bundle verified against the registry's sha256) as ONNX or as the JSON
 * bundle itself. The file appears whole or not at all.
 */
export function exportModel(project: Project, store: RunStore, opts: { model: string; format: ExportFormat; output: string; scale: PointsScale }): ExportResult {
  checkExportPath(opts.output, opts.format, project);
  const loaded = loadRegisteredModel(store, opts.model);
  const data = opts.format === 'json'
    ? readFileSync(loaded.version.path)
    : exportOnnx(loaded.bundle, { registered_model: loaded.version.name, version: loaded.version.version, bundle_sha256: loaded.version.sha256, producer_version: CODE_VERSION, scale: resolveScale(opts.scale, loaded.bundle.model) });
  writeFileAtomic(opts.output, data);
  return { version: loaded.version.version, family: loaded.bundle.family, format: opts.format, path: resolve(opts.output), bytes: data.length };
}
