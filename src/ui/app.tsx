import { Box, Text, useApp } from 'ink';
import { useKeys } from './components/keys.js';
import React, { useEffect, useState } from 'react';
import type { Params } from '../core/params/params.js';
import { Screen } from './components/basics.js';
import { loadEngine } from './engine.js';
import { DataScreen } from './screens/data.js';
import { DriftScreen } from './screens/drift.js';
import { ExploreScreen } from './screens/explore.js';
import { HomeScreen } from './screens/home.js';
import { ModelsScreen } from './screens/models.js';
import { MonitorScreen } from './screens/monitor.js';
import { PrepareScreen } from './screens/prepare.js';
import { RunsScreen } from './screens/runs.js';
import { ScoreScreen } from './screens/score.js';
import { TrainScreen } from './screens/train.js';
import type { ScreenId, Services } from './services.js';

const HELP: readonly [string, string][] = [
  ['↑↓ / j k', 'move'], ['Enter', 'open / run'], ['Esc', 'back (cancels a running search)'], ['Tab', 'switch pane / complete a path'],
  ['1-9', 'jump to a step from Home'], ['?', 'this help'], ['q', 'quit (from Home)'],
];

/** The interactive workflow: one screen at a time, each driving the same engine as the CLI. */
export function App({ services, initial = 'home' }: { readonly services: Services; readonly initial?: ScreenId }): React.JSX.Element {
  const { exit } = useApp();
  const [screen, setScreen] = useState<ScreenId>(initial);
  const [runParams, setRunParams] = useState<Params | null>(null);
  const [session, setSession] = useState(0);
  const home = (): void => {
    setScreen('home');
    setSession((s) => s + 1);
  };
  // The engine loads once the first frame is on the screen (a failure shows on the screen that needs it).
  useEffect(() => {
    const t = setTimeout(() => void loadEngine().catch(() => undefined), 0);
    return () => clearTimeout(t);
  }, []);
  useKeys((input, key) => {
    if (screen === 'home' && input === 'q') exit();
    if (input === '?' && screen !== 'help') setScreen('help');
    else if (screen === 'help' && (key.escape || input === '?')) home();
  });
  const props = { services, onBack: home };
  return (
    <Box flexDirection="column" key={session}>
      {screen === 'home' ? <HomeScreen services={services} onOpen={setScreen} /> : null}
      {screen === 'data' ? <DataScreen {...props} /> : null}
      {screen === 'explore' ? <ExploreScreen {...props} /> : null}
      {screen === 'prepare' ? (
        <PrepareScreen
          {...props}
          onTrain={(p) => {
            setRunParams(p);
            setScreen('train');
          }}
        />
      ) : null}
      {screen === 'train' ? <TrainScreen {...props} runParams={runParams} /> : null}
      {screen === 'runs' ? <RunsScreen {...props} /> : null}
      {screen === 'models' ? <ModelsScreen {...props} /> : null}
      {screen === 'score' ? <ScoreScreen {...props} /> : null}
      {screen === 'drift' ? <DriftScreen {...props} /> : null}
      {screen === 'monitor' ? <MonitorScreen {...props} /> : null}
      {screen === 'help' ? (
        <Screen title="Help" hints="Esc or ? back">
          {HELP.map(([k, v]) => (
            <Text key={k}>
              {k.padEnd(12)} {v}
            </Text>
          ))}
        </Screen>
      ) : null}
    </Box>
  );
}
