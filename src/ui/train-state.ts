import type { CandidateResult } from '../core/search/leaderboard.js';
import type { TrainEvent, TrainSummary } from '../engine/train.js';
import { estimateText } from '../core/search/planner.js';

/** What the Train screen shows, folded from the engine's events by a pure reducer. */
export interface TrainView {
  readonly phase: 'idle' | 'running' | 'finished' | 'cancelled' | 'failed';
  readonly runId: string | null;
  readonly total: number;
  readonly done: number;
  readonly elapsed: number;
  readonly eta: number;
  readonly stage: string;
  /** The planner's estimate and its adaptations, one line each (shown under the progress while the search runs). */
  readonly plan: readonly string[];
  readonly perFamily: Readonly<Record<string, { readonly done: number; readonly total: number }>>;
  readonly leaderboard: readonly CandidateResult[];
  /** Best CV AUC after each finished candidate (the live chart). */
  readonly bestHistory: readonly number[];
  /** Finished candidates, oldest first (a bounded, scrollable list on the Train screen). */
  readonly finished: readonly CandidateResult[];
  readonly summary: TrainSummary | null;
  readonly error: string | null;
}

export const INITIAL_TRAIN_VIEW: TrainView = {
  phase: 'idle', runId: null, total: 0, done: 0, elapsed: 0, eta: NaN, stage: '', plan: [], perFamily: {}, leaderboard: [], bestHistory: [], finished: [], summary: null, error: null,
};

export type TrainAction = { readonly type: 'event'; readonly event: TrainEvent } | { readonly type: 'cancelled' } | { readonly type: 'failed'; readonly message: string } | { readonly type: 'reset' };

export function trainReducer(s: TrainView, a: TrainAction): TrainView {
  switch (a.type) {
    case 'reset':
      return INITIAL_TRAIN_VIEW;
    case 'cancelled':
      return { ...s, phase: 'cancelled' };
    case 'failed':
      return { ...s, phase: 'failed', error: a.message };
    case 'event': {
      const ev = a.event;
      switch (ev.type) {
        case 'started':
          return {
            ...INITIAL_TRAIN_VIEW, phase: 'running', runId: ev.runId, total: ev.candidates, stage: `${ev.candidates} candidates × ${ev.folds} folds on ${ev.dataset}`,
            plan: [estimateText(ev.estimate), ...[...ev.estimate.adaptations, ...ev.estimate.notes].map((a) => `planner: ${a}`)],
            perFamily: Object.fromEntries(Object.entries(ev.perFamily).map(([f, n]) => [f, { done: 0, total: n }])),
          };
        case 'stage':
          return { ...s, stage: ev.message };
        case 'candidate': {
          const fam = s.perFamily[ev.result.family] ?? { done: 0, total: 0 };
          return {
            ...s, done: ev.done, elapsed: ev.elapsed, eta: ev.eta, leaderboard: ev.leaderboard,
            perFamily: { ...s.perFamily, [ev.result.family]: { ...fam, done: fam.done + 1 } },
            bestHistory: [...s.bestHistory, ev.best.cv_auc_mean],
            finished: [...s.finished, ev.result],
          };
        }
        case 'refit':
          return { ...s, stage: `refit ${ev.family}: test AUC ${ev.test.roc_auc.toFixed(4)}` };
        case 'finished':
          return { ...s, phase: 'finished', summary: ev.summary, elapsed: ev.summary.wall_seconds, eta: 0 };
      }
    }
  }
}
