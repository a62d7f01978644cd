import asciichart from 'asciichart';
import { Box, Static, Text, useInput } from 'ink';
import React, { useEffect, useReducer, useRef } from 'react';
import { CancelledError } from '../../core/errors.js';
import type { Params } from '../../core/params/params.js';
import { train } from '../../engine/train.js';
import { ProgressBar, Screen } from '../components/basics.js';
import type { Services } from '../services.js';
import { INITIAL_TRAIN_VIEW, trainReducer, type TrainView } from '../train-state.js';

function clock(s: number): string {
  if (!Number.isFinite(s)) return '--:--';
  const m = Math.floor(s / 60);
  return `${String(m).padStart(2, '0')}:${String(Math.round(s % 60)).padStart(2, '0')}`;
}

const params = (p: Readonly<Record<string, unknown>>): string => Object.entries(p).map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('x') : String(v)}`).join(' ');

/** The live view of a search, a pure function of the folded events. */
export function TrainView({ view }: { readonly view: TrainView }): React.JSX.Element {
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
          {view.leaderboard.slice(0, 7).map((r, i) => (
            <Text key={r.family} {...(i === 0 ? { color: 'green' as const } : {})}>
              {i + 1}. {r.family.padEnd(8)} {r.cv_auc_mean.toFixed(4)} ± {r.cv_auc_std.toFixed(3)}
            </Text>
          ))}
        </Box>
      </Box>
      {view.bestHistory.length > 1 ? (
        <Box marginTop={1} flexDirection="column">
          <Text dimColor>best CV AUC over time</Text>
          <Text>{asciichart.plot(view.bestHistory.length > 60 ? view.bestHistory.filter((_, i, a) => i % Math.ceil(a.length / 60) === 0 || i === a.length - 1) : [...view.bestHistory], { height: 5, format: (x: number) => x.toFixed(3).padStart(6) })}</Text>
        </Box>
      ) : null}
      {view.phase === 'finished' && view.summary ? (
        <Text color="green">
          ✓ done in {clock(view.summary.wall_seconds)}: champion {view.summary.champion.family} registered as v{view.summary.champion.version}, test AUC {view.summary.champion.test.roc_auc.toFixed(4)}
        </Text>
      ) : null}
      {view.phase === 'cancelled' ? <Text color="yellow">Cancelled: the run {view.runId ?? ''} is marked KILLED.</Text> : null}
    </Box>
  );
}

export function TrainScreen({ services, runParams, onBack }: { readonly services: Services; readonly runParams: Params | null; readonly onBack: () => void }): React.JSX.Element {
  const [view, dispatch] = useReducer(trainReducer, INITIAL_TRAIN_VIEW);
  const controller = useRef<AbortController | null>(null);
  useEffect(() => {
    const ac = new AbortController();
    controller.current = ac;
    void (async () => {
      try {
        for await (const event of train(services.project, services.store, runParams ?? services.params, { signal: ac.signal, ...(services.workers ? { workers: services.workers } : {}) })) {
          dispatch({ type: 'event', event });
        }
      } catch (e) {
        dispatch(e instanceof CancelledError || ac.signal.aborted ? { type: 'cancelled' } : { type: 'failed', message: (e as Error).message });
      }
    })();
    return () => ac.abort();
  }, [services, runParams]);
  useInput((_i, key) => {
    if (key.escape) {
      if (view.phase === 'running') controller.current?.abort();
      else onBack();
    }
  });
  return (
    <Screen title="Train" hints={view.phase === 'running' ? 'Esc cancel (the run is marked KILLED)' : 'Esc back'} error={view.error}>
      <Static items={view.finished.map((r, i) => ({ r, i }))}>
        {({ r, i }) => (
          <Text key={i} dimColor>
            ✓ {r.family.padEnd(8)} {r.cv_auc_mean.toFixed(4)} ± {r.cv_auc_std.toFixed(3)} {params(r.params)}
          </Text>
        )}
      </Static>
      <TrainView view={view} />
    </Screen>
  );
}
