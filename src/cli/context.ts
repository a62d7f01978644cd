import type { Command } from 'commander';
import type { Params } from '../core/params/params.js';
import type { RunStore } from '../core/store/run-store.js';
import type { Project, StoreSetting } from '../engine/project.js';

export interface GlobalOptions {
  readonly home?: string;
  readonly params?: string;
  /** postgresql://… or sqlite:PATH; else CREDIT_TUI_STORE, else store.url of params.yaml, else runs.db. */
  readonly store?: string;
  /** A directory the machines share for artifact bytes (PostgreSQL store); else CREDIT_TUI_ARTIFACTS, else store.artifacts. */
  readonly artifacts?: string;
  readonly verbose?: boolean;
}

/** The project a command works in, opened once; `close()` releases the database. */
export interface CommandContext {
  readonly project: Project;
  readonly store: RunStore;
  readonly params: Params;
  close(): void;
}

export function globals(cmd: Command): GlobalOptions {
  return cmd.optsWithGlobals<GlobalOptions>();
}

/** Opens the project; the engine (SQLite, YAML, the models) loads here, so `--help` never pays for it. */
export async function openContext(cmd: Command): Promise<CommandContext> {
  const { loadParams, openStore, projectAt, resolveHome } = await import('../engine/project.js');
  const g = globals(cmd);
  const project = projectAt(resolveHome(g.home));
  const params = loadParams(project, g.params);
  const store = openStore(project, storeSetting(g, params));
  return { project, store, params, close: () => store.close() };
}

/** The store settings of the command line and params.yaml (the environment is read by openStore). */
export function storeSetting(g: GlobalOptions, params: Params): StoreSetting {
  return { flag: g.store, params: params.store?.url, artifacts: g.artifacts, artifactsParams: params.store?.artifacts };
}

/** Runs `fn` with an open context and always closes the database. */
export async function withContext<T>(cmd: Command, fn: (ctx: CommandContext) => Promise<T> | T): Promise<T> {
  const ctx = await openContext(cmd);
  try {
    return await fn(ctx);
  } finally {
    ctx.close();
  }
}

export const out = (line = ''): void => {
  process.stdout.write(`${line}\n`);
};
export const err = (line = ''): void => {
  process.stderr.write(`${line}\n`);
};
