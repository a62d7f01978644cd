import { Box, Text } from 'ink';
import { useKeys } from '../components/keys.js';
import React, { useMemo, useState } from 'react';
import { existsSync } from 'node:fs';
import type { StoreLocation } from '../../core/store/contract.js';
import { predictionsDir } from '../../engine/project.js';
import { expandGrid } from '../../core/params/grids.js';
import { Screen, SelectList, useListKeys } from '../components/basics.js';
import type { ScreenId, Services } from '../services.js';

interface Step {
  readonly id: ScreenId;
  readonly title: string;
  readonly state: string;
}

/** Each workflow step with a one-line state read from the store. */
export function workflowSteps(s: Services): Step[] {
  const { store, params } = s;
  const datasets = store.listDatasets();
  const latest = datasets[0];
  const trains = store.listRuns({ experiment: 'train', parent: null, limit: 1 });
  const models = store.listModelVersions();
  const champion = models.find((m) => m.aliases.includes('champion'));
  const scores = store.listRuns({ experiment: 'score', limit: 1 });
  const drifts = store.listRuns({ experiment: 'drift', limit: 1 });
  const candidates = params.search.families.reduce((a, f) => a + expandGrid(params.search.grids[f]).length, 0);
  const allRuns = store.listRuns({ limit: 1000 }).length;
  return [
    { id: 'data', title: 'Data', state: latest ? `${latest.rows} rows ingested (${latest.name}@${latest.version})` : 'no data yet' },
    { id: 'explore', title: 'Explore', state: latest ? `profile ${latest.name}: ${latest.columns} columns` : '-' },
    { id: 'prepare', title: 'Prepare', state: `${params.preprocessing.encoding}/${params.preprocessing.scaling}, ${params.search.families.length} families, ${candidates} candidates × ${params.split.cv_folds} folds` },
    { id: 'train', title: 'Train', state: trains[0] ? `last search ${trains[0].status.toLowerCase()}` : 'not trained yet' },
    { id: 'runs', title: 'Leaderboard', state: `${allRuns} runs recorded` },
    { id: 'models', title: 'Models', state: champion ? `champion v${champion.version} (${champion.family}), test AUC ${(champion.metrics['test_roc_auc'] ?? NaN).toFixed(2)}` : 'no model yet' },
    { id: 'score', title: 'Score', state: scores[0] ? `last scoring ${scores[0].status.toLowerCase()}` : champion ? 'ready' : 'needs a model' },
    { id: 'drift', title: 'Drift', state: drifts[0] ? `last check: ${store.tags(drifts[0].run_id)['verdict'] ?? drifts[0].status.toLowerCase()}` : 'not checked yet' },
    { id: 'monitor', title: 'Monitor', state: existsSync(predictionsDir(s.project)) ? 'predictions logged: periods, alerts, trends' : 'no logged predictions (--log-predictions)' },
  ];
}

/** `runs.db PATH` or `postgresql HOST:PORT/DB`. */
export function storeLabel(location: StoreLocation | undefined): string {
  return location ? `${location.kind === 'sqlite' ? 'runs.db' : 'postgresql'} ${location.display}` : 'runs.db';
}

export function HomeScreen({ services, onOpen }: { readonly services: Services; readonly onOpen: (id: ScreenId) => void }): React.JSX.Element {
  const steps = useMemo(() => workflowSteps(services), [services]);
  const [sel, setSel] = useState(0);
  useListKeys(steps.length, sel, setSel);
  useKeys((input, key) => {
    if (key.return) onOpen(steps[sel]!.id);
    const n = Number(input);
    if (n >= 1 && n <= steps.length) onOpen(steps[n - 1]!.id);
  });
  return (
    // Which store is in use, so a team never mistakes a local runs.db for the shared server (no password).
    <Screen title={`Home · store ${storeLabel(services.store.location)}`} hints="↑↓/jk move · Enter open · 1-9 jump · ? help · q quit">
      <Text>The workflow, step by step:</Text>
      <Box marginTop={1}>
        <SelectList items={steps.map((s, i) => ({ key: s.id, label: `${i + 1}. ${s.title.padEnd(12)}`, detail: s.state }))} selected={sel} />
      </Box>
    </Screen>
  );
}
