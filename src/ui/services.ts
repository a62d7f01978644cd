import type { Params } from '../core/params/params.js';
import type { RunStore } from '../core/store/run-store.js';
import type { Project } from '../engine/project.js';

/** What the screens work with: the same project, store and params the headless commands use. */
export interface Services {
  readonly project: Project;
  readonly store: RunStore;
  readonly params: Params;
  /** Worker threads for training from the TUI (tests pass 1). */
  readonly workers?: number;
}

export type ScreenId = 'home' | 'data' | 'explore' | 'prepare' | 'train' | 'runs' | 'models' | 'score' | 'drift' | 'monitor' | 'help';
