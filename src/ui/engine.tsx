import { Text } from 'ink';
import React, { useEffect, useState } from 'react';
import { humanMessage } from '../core/human-errors.js';
import { Screen } from './components/basics.js';
import { useKeys } from './components/keys.js';

/**
 * The engine modules the screens call. They are imported after the first frame rather than before it
 * (together ~90 ms of start-up here, most of it compiling modules the Home screen never uses); a screen
 * opened before they have loaded says so for that moment.
 */
export interface Engine {
  readonly datasets: typeof import('../engine/datasets.js');
  readonly drift: typeof import('../engine/drift.js');
  readonly exporter: typeof import('../engine/export.js');
  readonly ingest: typeof import('../engine/ingest.js');
  readonly monitor: typeof import('../engine/monitor.js');
  readonly registry: typeof import('../engine/registry.js');
  readonly score: typeof import('../engine/score.js');
  readonly train: typeof import('../engine/train.js');
}

let loaded: Engine | null = null;
let loading: Promise<Engine> | null = null;

/** Starts (once) and awaits the engine's import. */
export function loadEngine(): Promise<Engine> {
  loading ??= Promise.all([
    import('../engine/datasets.js'),
    import('../engine/drift.js'),
    import('../engine/export.js'),
    import('../engine/ingest.js'),
    import('../engine/monitor.js'),
    import('../engine/registry.js'),
    import('../engine/score.js'),
    import('../engine/train.js'),
  ]).then(([datasets, drift, exporter, ingest, monitor, registry, score, train]) => (loaded = { datasets, drift, exporter, ingest, monitor, registry, score, train }));
  return loading;
}

/** The engine once loaded (null until then; the component renders again when it arrives). */
function useEngine(): { readonly engine: Engine | null; readonly error: string | null } {
  const [engine, setEngine] = useState(loaded);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!engine) loadEngine().then(setEngine, (e: unknown) => setError(humanMessage(e)));
  }, [engine]);
  return { engine, error };
}

function Loading({ title, error, onBack }: { readonly title: string; readonly error: string | null; readonly onBack: () => void }): React.JSX.Element {
  useKeys((_input, key) => {
    if (key.escape) onBack();
  });
  return (
    <Screen title={title} hints="Esc back" error={error}>
      {error ? null : <Text dimColor>loading…</Text>}
    </Screen>
  );
}

/** A screen that calls the engine: rendered with it once loaded, a one-line wait before. */
export function withEngine<Q extends { readonly onBack: () => void; readonly engine: Engine }>(title: string, View: React.ComponentType<Q>): (props: Omit<Q, 'engine'>) => React.JSX.Element {
  return function WithEngine(props: Omit<Q, 'engine'>): React.JSX.Element {
    const { engine, error } = useEngine();
    return engine ? <View {...({ ...props, engine } as Q)} /> : <Loading title={title} error={error} onBack={props.onBack} />;
  };
}
