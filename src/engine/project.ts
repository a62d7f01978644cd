import { crashPoint, type CrashPoint } from './crash-points.js';
import { existsSync, statSync, mkdirSync, readFileSync, readdirSync, realpathSync, renameSync, writeFileSync, openSync, fsyncSync, closeSync, unlinkSync } from 'node:fs';
import { basename, dirname, join, resolve, relative, isAbsolute, sep } from 'node:path';
import { UserError } from '../core/errors.js';
import { DEFAULT_PARAMS, parseParams, type Params } from '../core/params/params.js';
import { isProcessAlive } from '../core/process.js';
import { PgRunStore, pgTarget } from '../core/store/pg-run-store.js';
import { RunStore } from '../core/store/run-store.js';
import { ArtifactDir } from './artifact-dir.js';
import { parseStoreUrl, type StoreSpec } from '../core/store/store-url.js';

/** Where everything a project writes lives: runs.db, data/, models/, params.yaml. */
export interface Project {
  readonly home: string;
  readonly dbPath: string;
  readonly paramsPath: string;
  readonly rawDir: string;
  readonly processedDir: string;
  readonly modelsDir: string;
  readonly outputsDir: string;
}

/**
 * The absolute path of an input file the user named, checked before anything reads it: an empty name, a
 * missing file and a directory each get their own plain message instead of ENOENT / EISDIR.
 */
export function inputFile(file: string, what = 'a file'): string {
  if (!file.trim()) throw new UserError(`choose ${what} first: the path is empty`);
  const path = resolve(file);
  if (!existsSync(path)) throw new UserError('file not found', { file });
  if (statSync(path).isDirectory()) throw new UserError('is a directory, not a file', { file }, 'name a file inside it');
  return path;
}

/** `--home DIR`, else `CREDIT_TUI_HOME`, else the current directory. */
export function resolveHome(flag?: string): string {
  return resolve(flag ?? process.env['CREDIT_TUI_HOME'] ?? process.cwd());
}

export function projectAt(home: string): Project {
  return {
    home,
    dbPath: join(home, 'runs.db'),
    paramsPath: join(home, 'params.yaml'),
    rawDir: join(home, 'data', 'raw'),
    processedDir: join(home, 'data', 'processed'),
    modelsDir: join(home, 'models'),
    outputsDir: join(home, 'outputs'),
  };
}

/**
 * The project's store: `--store` (flag), else CREDIT_TUI_STORE, else `store.url` of params.yaml; none or
 * `sqlite:PATH` is runs.db, `postgresql://…` the shared server. Every caller gets the same contract.
 */
export function openStore(p: Project, setting: StoreSetting = {}): RunStore {
  mkdirSync(p.home, { recursive: true });
  const spec = storeSpec(setting);
  const dir = artifactsSetting(spec, setting);
  if (spec.kind === 'postgresql') return PgRunStore.open(spec.url, { cacheDir: join(p.home, 'data', 'cache'), ...(dir ? { artifacts: ArtifactDir.open(dir) } : {}) });
  return RunStore.open(spec.path === null ? p.dbPath : resolve(p.home, spec.path));
}

/** The store setting's sources, strongest first after the flag: CREDIT_TUI_STORE, then params.yaml. */
export interface StoreSetting {
  readonly flag?: string | undefined;
  readonly params?: string | null | undefined;
  /** `--artifacts DIR`, else CREDIT_TUI_ARTIFACTS, else `store.artifacts` of params.yaml. */
  readonly artifacts?: string | undefined;
  readonly artifactsParams?: string | null | undefined;
}

/**
 * The shared artifacts directory of a PostgreSQL store, or null (bytes in the database). A runs.db keeps
 * artifacts as the project's own files: `--artifacts` with it is an error, while the environment variable and
 * params.yaml (set for the team's server) leave it alone.
 */
function artifactsSetting(spec: StoreSpec, setting: StoreSetting): string | null {
  if (spec.kind === 'sqlite') {
    if (setting.artifacts) throw new UserError('--artifacts needs a PostgreSQL store: runs.db keeps artifacts as the project\'s own files', {}, 'add --store postgresql://… (or drop --artifacts)');
    return null;
  }
  return setting.artifacts || process.env['CREDIT_TUI_ARTIFACTS'] || setting.artifactsParams || null;
}

function storeSpec(setting: StoreSetting): StoreSpec {
  return parseStoreUrl(setting.flag ?? process.env['CREDIT_TUI_STORE'] ?? setting.params);
}

/** Which store `openStore` would open, without connecting: `runs.db PATH` or `postgresql HOST:PORT/DB` (no password). */
export function describeStore(p: Project, setting: StoreSetting = {}): string {
  const spec = storeSpec(setting);
  if (spec.kind === 'sqlite') return `runs.db ${spec.path === null ? p.dbPath : resolve(p.home, spec.path)}`;
  const t = pgTarget(spec.url);
  const dir = artifactsSetting(spec, setting);
  return `postgresql ${t.host}:${t.port}/${t.database}${dir ? `, artifacts ${resolve(dir)}` : ''}`;
}

/** params.yaml of the project, or the defaults when there is none. */
export function loadParams(p: Project, file?: string): Params {
  const path = file ? resolve(file) : p.paramsPath;
  if (!existsSync(path)) {
    if (file) throw new UserError('params file not found', { file });
    return DEFAULT_PARAMS;
  }
  return parseParams(readFileSync(path, 'utf8'), file ?? 'params.yaml');
}

/** The hidden temp file an output is written to before it is renamed into place. */
export function partialPath(path: string): string {
  return join(dirname(path), `.${basename(path)}.partial-${process.pid}`);
}

/** Removes partial outputs left in `dir` by processes that were killed (their pid is gone). */
export function cleanStalePartials(dir: string): number {
  let removed = 0;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return 0;
  }
  for (const f of names) {
    const m = /^\..+\.partial-(\d+)$/.exec(f);
    if (m && Number(m[1]) !== process.pid && !isProcessAlive(Number(m[1]))) {
      try {
        unlinkSync(join(dir, f));
        removed++;
      } catch {
        /* raced with another cleaner */
      }
    }
  }
  return removed;
}

/** Writes a file so that readers see the old content or the new, never half of it (temp + fsync + rename). */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  cleanStalePartials(dirname(path));
  const tmp = partialPath(path);
  try {
    writeFileSync(tmp, data);
    commitPartial(tmp, path, 'write-atomic:before-rename');
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      /* nothing to clean up */
    }
    throw e;
  }
}

/**
 * Moves a finished hidden partial file into place: its bytes are flushed to disk first and the folder entry
 * after, so a crash leaves the old file or the whole new one, never a name pointing at missing blocks.
 */
export function commitPartial(tmp: string, path: string, crashAt: CrashPoint = 'write-atomic:before-rename'): void {
  const fd = openSync(tmp, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  crashPoint(crashAt);
  renameSync(tmp, path);
  try {
    const dir = openSync(dirname(resolve(path)), 'r');
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
  } catch {
    /* some file systems cannot fsync a directory; the rename itself is still atomic */
  }
}

/** A name that can be used as a file name inside the project: letters, digits, `_`, `-`, `.`; no traversal. */
export function safeName(name: string, what: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/.test(name) || name.includes('..')) {
    throw new UserError(`invalid ${what} ${JSON.stringify(name)}`, {}, 'use letters, digits, _, - and . (at most 100), starting with a letter or digit');
  }
  return name;
}

/**
 * The one guard every user-named output passes (score -o, shift, export, every --report, SQL exports): it may
 * not replace an input of the same command, the run store (with its WAL, SHM and journal), nor anything under
 * the folders whose files the registry vouches for (data/raw, data/processed, models/, outputs/predictions).
 * Paths are compared after resolving symbolic links, so a link into data/ is caught too.
 */
export function refuseProjectFiles(out: string, project: Project, inputs: readonly string[] = []): void {
  const target = realTarget(out);
  if (inputs.some((i) => realTarget(i) === target)) throw new UserError('output would overwrite the input file', { file: out });
  if (['runs.db', 'runs.db-wal', 'runs.db-shm', 'runs.db-journal'].some((f) => realTarget(join(project.home, f)) === target)) {
    throw new UserError('output would overwrite the run store', { file: out });
  }
  for (const dir of [project.rawDir, project.processedDir, project.modelsDir, predictionsDir(project)]) {
    if (isInside(realTarget(dir), target)) {
      throw new UserError("output may not be written into the project's data/, models/ or outputs/predictions/ (registered files live there)", { file: out }, 'choose a path outside them');
    }
  }
}

/** A user-named output written atomically, after {@link refuseProjectFiles}. */
export function writeOutputFile(out: string, data: string | Uint8Array, project: Project, inputs: readonly string[] = []): void {
  refuseProjectFiles(out, project, inputs);
  writeFileAtomic(out, data);
}

/** `path` with symbolic links resolved as far as it exists (the rest appended as written). */
function realTarget(path: string): string {
  let head = resolve(path);
  const tail: string[] = [];
  for (;;) {
    try {
      return join(realpathSync(head), ...tail.reverse());
    } catch {
      const parent = dirname(head);
      if (parent === head) return resolve(path);
      tail.push(basename(head));
      head = parent;
    }
  }
}

/** True when `child` is `parent` or inside it. */
export function isInside(parent: string, child: string): boolean {
  const rel = relative(resolve(parent), resolve(child));
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/** Where `score --log-predictions` appends and `monitor` reads (the TUI's Home screen checks it too). */
export function predictionsDir(project: Project): string {
  return join(project.outputsDir, 'predictions');
}
