import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { UserError } from '../core/errors.js';
import type { RunStore } from '../core/store/run-store.js';
import { TABLE_ORDER, type StoreTable, type TableRow } from '../core/store/store-tables.js';
import { predictionsDir, writeFileAtomic, type Project } from './project.js';

/** What one copy moved and checked. */
export interface CopySummary {
  /** Rows per table, equal in both stores after the copy. */
  readonly counts: Readonly<Record<StoreTable, number>>;
  /** Artifacts carried (model bundles and registered datasets' processed files), each verified by its sha256. */
  readonly artifacts: number;
  /** The target already held exactly this content: nothing was written. */
  readonly identical: boolean;
}

type Dump = Record<StoreTable, TableRow[]>;

/** An artifact the store points at: a model bundle, a registered dataset's processed file, a prediction-log segment. */
interface Carried {
  readonly sha256: string;
  readonly path: string;
  readonly kind: 'model' | 'dataset' | 'segment';
  readonly what: string;
}

const sha = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

function dump(store: RunStore): Dump {
  return Object.fromEntries(TABLE_ORDER.map((t) => [t, store.dumpTable(t)])) as Dump;
}

function counts(d: Dump): Record<StoreTable, number> {
  return Object.fromEntries(TABLE_ORDER.map((t) => [t, d[t].length])) as Record<StoreTable, number>;
}

/** Columns holding a file path: compared by file name, since a copy may place the file in another project. */
const PATH_COLUMNS = new Set(['path', 'raw_path']);

/**
 * Content of a store independent of row order and of where files sit: per table, the sorted canonical rows.
 * Two stores with equal fingerprints hold the same runs, datasets, versions, aliases and outcomes.
 */
function fingerprint(d: Dump): string {
  const h = createHash('sha256');
  for (const t of TABLE_ORDER) {
    const rows = d[t].map((r) => JSON.stringify(Object.keys(r).sort().map((k) => [k, PATH_COLUMNS.has(k) && typeof r[k] === 'string' ? basename(r[k]) : r[k]]))).sort();
    h.update(`${t}\u0000${rows.join('\u0001')}\u0002`);
  }
  return h.digest('hex');
}

/**
 * Model bundles, registered datasets' processed files and prediction-log segments, once per sha256; a
 * segment's file is looked for in the source project's log (where a runs.db keeps it).
 */
function carried(d: Dump, sourceProject: Project | null): Carried[] {
  const out = new Map<string, Carried>();
  for (const v of d.model_versions) out.set(String(v['sha256']), { sha256: String(v['sha256']), path: String(v['path']), kind: 'model', what: `model ${String(v['name'])} v${String(v['version'])}` });
  const datasetPaths = new Map(d.datasets.map((ds) => [String(ds['path']), `dataset ${String(ds['name'])}@${String(ds['version'])}`]));
  for (const a of d.artifacts) {
    const what = datasetPaths.get(String(a['path']));
    if (what && !out.has(String(a['sha256']))) out.set(String(a['sha256']), { sha256: String(a['sha256']), path: String(a['path']), kind: 'dataset', what });
  }
  for (const s of d.prediction_segments) {
    const name = String(s['name']);
    const path = sourceProject ? join(predictionsDir(sourceProject), name) : name;
    if (!out.has(String(s['sha256']))) out.set(String(s['sha256']), { sha256: String(s['sha256']), path, kind: 'segment', what: `prediction-log segment ${name}` });
  }
  return [...out.values()];
}

/** The bytes of an artifact on this machine or in the source store, verified; else a one-line error. */
function readCarried(from: RunStore, c: Carried): Uint8Array {
  if (existsSync(c.path)) {
    const bytes = readFileSync(c.path);
    if (sha(bytes) === c.sha256) return bytes;
  }
  const kept = from.artifactBytes(c.sha256);
  if (kept && sha(kept) === c.sha256) return kept;
  throw new UserError(`cannot copy ${c.what}: its file is not on this machine with sha256 ${c.sha256.slice(0, 12)}… and the source store does not keep it`, { file: c.path }, 'copy from a machine that has it');
}

function describeNonEmpty(c: Record<StoreTable, number>): string {
  const parts = (['runs', 'datasets', 'model_versions', 'outcomes'] as const).filter((t) => c[t] > 0).map((t) => `${c[t]} ${t.replace('_', ' ')}`);
  return parts.join(', ') || 'rows in its tables';
}

/**
 * Copies everything the registry and tracking tables hold from one store to another (SQLite <-> PostgreSQL),
 * ids and times kept, with the bytes of every model bundle and registered dataset: into the target's
 * artifact table when it keeps bytes, else as files in `targetProject`'s models/ and data/processed/ (the
 * rows then name those files). All rows land in one transaction. Then the target is read back: every
 * table's count and content, and every artifact's sha256, must match. A target that is not empty is
 * refused, unless it already holds the same content.
 */
export function copyStore(from: RunStore, to: RunStore, targetProject: Project, sourceProject: Project | null = null): CopySummary {
  const src = dump(from);
  const before = dump(to);
  const srcCounts = counts(src);
  if (TABLE_ORDER.some((t) => before[t].length > 0)) {
    if (fingerprint(before) === fingerprint(src)) return { counts: srcCounts, artifacts: carried(src, sourceProject).length, identical: true };
    throw new UserError(`the target store ${to.location.kind} ${to.location.display} is not empty (${describeNonEmpty(counts(before))}) and differs from ${from.location.kind} ${from.location.display}`, {}, 'copy into an empty database or a new runs.db');
  }
  const items = carried(src, sourceProject).map((c) => ({ ...c, bytes: readCarried(from, c) }));
  const moved = new Map<string, string>();
  to.atomically(() => {
    for (const it of items) {
      if (to.keepBytes(it.sha256, it.bytes)) continue;
      // A store that keeps no bytes (SQLite) reads the file its row names: the original when it is here and
      // whole, else a copy in the target project.
      if (existsSync(it.path) && sha(readFileSync(it.path)) === it.sha256) continue;
      if (it.kind === 'segment') {
        // Segments are found by name in the project's log: same name, and the reader checks the sha256.
        const dest = join(predictionsDir(targetProject), basename(it.path));
        if (existsSync(dest) && sha(readFileSync(dest)) !== it.sha256) throw new UserError(`cannot copy ${it.what}: a different file of that name is in the target project`, { file: dest });
        if (!existsSync(dest)) writeFileAtomic(dest, it.bytes);
        moved.set(it.path, dest);
        continue;
      }
      const dir = it.kind === 'model' ? targetProject.modelsDir : targetProject.processedDir;
      let dest = join(dir, basename(it.path));
      if (existsSync(dest) && sha(readFileSync(dest)) !== it.sha256) dest = join(dir, `${it.sha256.slice(0, 12)}-${basename(it.path)}`);
      if (!existsSync(dest)) writeFileAtomic(dest, it.bytes);
      moved.set(it.path, dest);
    }
    const relocate = (r: TableRow): TableRow => (typeof r['path'] === 'string' && moved.has(r['path']) ? { ...r, path: moved.get(r['path'])! } : r);
    for (const t of TABLE_ORDER) to.loadTable(t, t === 'datasets' || t === 'model_versions' || t === 'artifacts' ? src[t].map(relocate) : src[t]);
  });
  verify(src, to, items.map((it) => ({ ...it, path: moved.get(it.path) ?? it.path })));
  return { counts: srcCounts, artifacts: items.length, identical: false };
}

/** Reads the target back: counts, content and each artifact's sha256; any difference is one line. */
function verify(src: Dump, to: RunStore, items: readonly Carried[]): void {
  const after = dump(to);
  for (const t of TABLE_ORDER) {
    if (after[t].length !== src[t].length) throw new UserError(`copy verification failed: table ${t} has ${after[t].length} rows in the target, ${src[t].length} in the source`);
  }
  if (fingerprint(after) !== fingerprint(src)) throw new UserError('copy verification failed: the target holds the same number of rows but different content');
  for (const c of items) {
    const kept = to.artifactBytes(c.sha256);
    const bytes = kept ?? (existsSync(c.path) ? readFileSync(c.path) : null);
    if (!bytes || sha(bytes) !== c.sha256) throw new UserError(`copy verification failed: ${c.what} does not read back with sha256 ${c.sha256.slice(0, 12)}…`, { file: c.path });
  }
}
