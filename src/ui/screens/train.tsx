import asciichart from 'asciichart';
import { approxDuration } from '../../core/search/planner.js';
import { Box, Text } from 'ink';
import { useKeys } from '../components/keys.js';
import React, { useEffect, useReducer, useRef, useState } from 'react';
import { expandGrid } from '../../core/params/grids.js';
import type { CandidateResult } from '../../core/search/leaderboard.js';
import { humanMessage } from '../../core/human-errors.js';
import { CancelledError } from '../../core/errors.js';
import type { Params } from '../../core/params/params.js';
import { loadEngine } from '../engine.js';
import { ProgressBar, Screen } from '../components/basics.js';
import type { Services } from '../services.js';
import { INITIAL_TRAIN_VIEW, trainReducer, type TrainView } from '../train-state.js';

function clock(s: number): string {
  if (!Number.isFinite(s)) return '--:--';
  const m = Math.floor(s / 60);
  return `${String(m).padStart(2, '0')}:${String(Math.round(s % 60)).padStart(2, '0')}`;
}

/** At most `n` points of a series, keeping the last one, so the chart keeps its width. */
const thin = (xs: readonly number[], n: number): number[] => (xs.length > n ? xs.filter((_, i, a) => i % Math.ceil(a.length / n) === 0 || i === a.length - 1) : [...xs]);

const params = (p: Readonly<Record<string, unknown>>): string => Object.entries(p).map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('x') : String(v)}`).join(' ');

/** The live view of a search, a pure function of the folded events. */
export function TrainView({ view, scroll = 0 }: { readonly view: TrainView; readonly scroll?: number }): React.JSX.Element {
  return (
    <Box flexDirection="column">
      <Box>
        <Text>overall </Text>
        <ProgressBar done={view.done} total={view.total} />
        <Text>
          {' '}
          {view.done}/{view.total} · {clock(view.elapsed)} elapsed · ETA {clock(view.eta)}
        </Text>
      </Box>
      <Text dimColor>{view.stage}</Text>
      {view.plan.map((line) => (
        <Text key={line} dimColor>
          {line}
        </Text>
      ))}
      <Box marginTop={1}>
        <Box flexDirection="column" width={44}>
          {Object.entries(view.perFamily).map(([f, p]) => (
            <Box key={f}>
              <Text>{f.padEnd(8)}</Text>
              <ProgressBar done={p.done} total={p.total} width={20} />
              <Text dimColor> {p.done}/{p.total}</Text>
            </Box>
          ))}
        </Box>
        <Box flexDirection="column">
          <Text bold>leaderboard (CV AUC)</Text>
          {view.leaderboard.slice(0, 6).map((r, i) => (
            <Text key={r.family} {...(i === 0 ? { color: 'green' as const } : {})}>
              {i + 1}. {r.family.padEnd(8)} {r.cv_auc_mean.toFixed(4)} ± {r.cv_auc_std.toFixed(3)}
            </Text>
          ))}
        </Box>
      </Box>
      <Box marginTop={1}>
        {view.bestHistory.length > 1 ? (
          <Box flexDirection="column" width={42} flexShrink={0}>
            <Text dimColor>best CV AUC over time</Text>
            <Text>{asciichart.plot(thin(view.bestHistory, 32), { height: 4, format: (x: number) => x.toFixed(3).padStart(6) })}</Text>
          </Box>
        ) : null}
        <FinishedList finished={view.finished} offset={scroll} />
      </Box>
      {view.phase === 'finished' && view.summary ? (
        <Text color={view.summary.champion.promotion.promoted ? 'green' : 'yellow'} wrap="truncate-end">
          ✓ done in {clock(view.summary.wall_seconds)}: {view.summary.champion.family} v{view.summary.champion.version}, test AUC {view.summary.champion.test.roc_auc.toFixed(4)}{' '}
          {view.summary.champion.promotion.promoted ? '(champion)' : view.summary.champion.promotion.against ? `(challenger: v${view.summary.champion.promotion.against.version} stays champion)` : '(challenger)'}
        </Text>
      ) : null}
      {view.phase === 'cancelled' ? <Text color="yellow">Cancelled: the run {view.runId ?? ''} is marked KILLED.</Text> : null}
    </Box>
  );
}

/**
 * Rows of finished candidates shown at once: the list scrolls inside the screen instead of growing it. The
 * whole screen must stay within 23 lines: a frame as tall as the terminal scrolls it and leaves a line behind.
 */
const FINISHED_ROWS = 4;

/**
 * Finished candidates as a bounded list inside the screen, newest last; ↑↓ scroll it once the search ends.
 *
 * Do not use Ink's Static component for this (or anything else in the TUI). Ink 6.8 keeps a pointer to the Yoga node
 * of an unmounted Static and reads its freed memory on every render: after leaving this screen the
 * process grew to gigabytes and stopped answering keys (vadimdemedes/ink#904, fixed only in Ink 8, which
 * needs Node 22). Static output also outlives its screen.
 */
export function FinishedList({ finished, offset }: { readonly finished: readonly CandidateResult[]; readonly offset: number }): React.JSX.Element | null {
  if (finished.length === 0) return null;
  const end = Math.max(0, finished.length - offset);
  const start = Math.max(0, end - FINISHED_ROWS);
  return (
    <Box flexDirection="column" width={37} flexShrink={0}>
      <Text dimColor>finished candidates</Text>
      {finished.slice(start, end).map((r, i) => (
        <Text key={start + i} dimColor wrap="truncate-end">
          ✓ {r.family.padEnd(8)} {r.cv_auc_mean.toFixed(4)} ± {r.cv_auc_std.toFixed(3)} {params(r.params)}
        </Text>
      ))}
      {finished.length > FINISHED_ROWS ? <Text dimColor>  {start + 1}-{end} of {finished.length} finished</Text> : null}
    </Box>
  );
}

/** What a search with these params will run: shown before anything starts. */
export function trainPlan(p: Params): string {
  const candidates = p.search.families.reduce((a, f) => a + expandGrid(p.search.grids[f]).length, 0);
  const families = `${p.search.families.length} families (${p.search.families.join(', ')})`;
  if (p.search.strategy === 'tpe') return `${families}, TPE: ${p.search.time === null ? `${p.search.trials} trials × ${p.split.cv_folds} folds = at most ${p.search.trials * p.split.cv_folds} fits` : `trials for ${p.search.time} s`}, folds pruned below the median`;
  if (p.search.strategy === 'halving') return `${families}, successive halving over ${candidates} candidates (factor 3, the best third advances on 3× the rows)`;
  const grid = `${families}, ${candidates} candidates × ${p.split.cv_folds} folds = ${candidates * p.split.cv_folds} fits`;
  return p.search.strategy === 'auto' && p.planner.grid_budget !== null ? `${grid} (successive halving if estimated over ${approxDuration(p.planner.grid_budget)})` : grid;
}

export function TrainScreen({ services, runParams, onBack }: { readonly services: Services; readonly runParams: Params | null; readonly onBack: () => void }): React.JSX.Element {
  const [view, dispatch] = useReducer(trainReducer, INITIAL_TRAIN_VIEW);
  const [started, setStarted] = useState(false);
  const [scroll, setScroll] = useState(0);
  const controller = useRef<AbortController | null>(null);
  const runWith = runParams ?? services.params;
  useEffect(() => {
    if (!started) return;
    const ac = new AbortController();
    controller.current = ac;
    void (async () => {
      try {
        const { train } = (await loadEngine()).train;
        for await (const event of train(services.project, services.store, runWith, { signal: ac.signal, ...(services.workers ? { workers: services.workers } : {}) })) {
          dispatch({ type: 'event', event });
        }
      } catch (e) {
        dispatch(e instanceof CancelledError || ac.signal.aborted ? { type: 'cancelled' } : { type: 'failed', message: humanMessage(e) });
      }
    })();
    return () => ac.abort();
  }, [services, runWith, started]);
  useKeys((_i, key) => {
    if (!started) {
      if (key.return) setStarted(true);
      else if (key.escape) onBack();
      return;
    }
    if (key.escape) {
      if (view.phase === 'running') controller.current?.abort();
      else onBack();
    } else if (key.upArrow) setScroll((s) => Math.min(Math.max(0, view.finished.length - FINISHED_ROWS), s + 1));
    else if (key.downArrow) setScroll((s) => Math.max(0, s - 1));
  });
  if (!started) {
    return (
      <Screen title="Train" hints="Enter start the search · Esc back (change settings in 3. Prepare)">
        <Text>Ready to search:</Text>
        <Text>{trainPlan(runWith)}</Text>
        <Text dimColor>
          encoding {runWith.preprocessing.encoding}, scaling {runWith.preprocessing.scaling}, selection by {runWith.search.selection_metric}, seed {runWith.seed}
        </Text>
      </Screen>
    );
  }
  return (
    <Screen title="Train" hints={view.phase === 'running' ? 'Esc cancel (the run is marked KILLED)' : '↑↓ scroll finished candidates · Esc back'} error={view.error}>
      <TrainView view={view} scroll={scroll} />
    </Screen>
  );
}
