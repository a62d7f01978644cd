import { Box, Text } from 'ink';
import { approxDuration } from '../../core/search/planner.js';
import { useKeys } from '../components/keys.js';
import React, { useState } from 'react';
import { stringify } from 'yaml';
import { DEFAULT_GRIDS, expandGrid, FAMILIES, QUICK_GRIDS, type Family, type Grid } from '../../core/params/grids.js';
import { parseParams, type Params } from '../../core/params/params.js';
import { writeFileAtomic } from '../../engine/project.js';
import { Screen, SelectList, useListKeys } from '../components/basics.js';
import { trainPlan } from './train.js';
import type { Services } from '../services.js';

/** Cut-off policies offered here (params.yaml takes any target); chosen on out-of-fold predictions. */
const POLICIES: Readonly<Record<string, { policy: Params['decision']['policy']; target: number | null }>> = {
  cost: { policy: 'cost', target: null },
  'recall >= 71.2%': { policy: 'recall', target: 0.712 },
  'recall >= 80%': { policy: 'recall', target: 0.8 },
  'approve 70%': { policy: 'approval_rate', target: 0.7 },
  'approve 50%': { policy: 'approval_rate', target: 0.5 },
  'bad rate <= 10%': { policy: 'bad_rate', target: 0.1 },
  'bad rate <= 15%': { policy: 'bad_rate', target: 0.15 },
};

function policyLabel(d: Params['decision']): string {
  const known = Object.entries(POLICIES).find(([, v]) => v.policy === d.policy && v.target === d.target);
  return known ? known[0] : `params.yaml (${d.policy} ${d.target})`;
}

interface Choice {
  readonly key: string;
  readonly label: string;
  readonly options: readonly string[];
}

const CHOICES: readonly Choice[] = [
  { key: 'impute_numeric', label: 'numeric imputation', options: ['median', 'mean'] },
  { key: 'impute_categorical', label: 'categorical imputation', options: ['most_frequent', 'missing_level'] },
  { key: 'encoding', label: 'encoding', options: ['onehot', 'ordinal', 'woe'] },
  { key: 'scaling', label: 'scaling', options: ['standard', 'minmax', 'none'] },
  { key: 'power_transform', label: 'Yeo-Johnson', options: ['false', 'true'] },
  { key: 'smote', label: 'SMOTE', options: ['grid (off and on)', 'off', 'on'] },
  { key: 'grid', label: 'grid size', options: ['full', 'quick'] },
  { key: 'cv_folds', label: 'CV folds', options: ['5', '3', '10'] },
  ...FAMILIES.map((f) => ({ key: `family:${f}`, label: `family ${f}`, options: ['on', 'off'] })),
  { key: 'policy', label: 'cut-off policy', options: Object.keys(POLICIES) },
  { key: 'calibration', label: 'calibration', options: ['none', 'sigmoid', 'isotonic', 'auto'] },
  { key: 'promote', label: 'promote winner', options: ['if-better', 'always', 'never'] },
  { key: 'strategy', label: 'search strategy', options: ['auto', 'grid', 'halving', 'tpe'] },
];

function initial(p: Params): Record<string, string> {
  const v: Record<string, string> = {
    impute_numeric: p.preprocessing.impute_numeric, impute_categorical: p.preprocessing.impute_categorical, encoding: p.preprocessing.encoding,
    scaling: p.preprocessing.scaling, power_transform: String(p.preprocessing.power_transform), smote: 'grid (off and on)', grid: 'full', cv_folds: String(p.split.cv_folds),
    policy: policyLabel(p.decision), calibration: p.decision.calibration, promote: p.decision.promote, strategy: p.search.strategy,
  };
  for (const f of FAMILIES) v[`family:${f}`] = p.search.families.includes(f) ? 'on' : 'off';
  return v;
}

/** The params a set of choices means (validated through the same parser as params.yaml). */
export function paramsFromChoices(base: Params, v: Readonly<Record<string, string>>): Params {
  const families = FAMILIES.filter((f) => v[`family:${f}`] === 'on');
  const smote = v['smote'] === 'off' ? [false] : v['smote'] === 'on' ? [true] : undefined;
  const grids: Record<string, Grid> = {};
  for (const f of families) {
    const g = v['grid'] === 'quick' ? QUICK_GRIDS[f] : base.search.grids[f] ?? DEFAULT_GRIDS[f];
    grids[f] = smote ? { ...g, smote } : g;
  }
  const doc = {
    ...base,
    split: { ...base.split, cv_folds: Number(v['cv_folds']) },
    preprocessing: { ...base.preprocessing, impute_numeric: v['impute_numeric'], impute_categorical: v['impute_categorical'], encoding: v['encoding'], scaling: v['scaling'], power_transform: v['power_transform'] === 'true' },
    search: { ...base.search, families: families.length ? families : ['logreg'], grids, strategy: v['strategy'] },
    // A policy from params.yaml that is not in the list above stays as it was.
    decision: { ...base.decision, ...(POLICIES[v['policy'] ?? ''] ?? {}), calibration: v['calibration'], promote: v['promote'] },
  };
  return parseParams(stringify(doc));
}

export function fitCount(p: Params): number {
  return p.search.families.reduce((a, f: Family) => a + expandGrid(p.search.grids[f]).length, 0) * p.split.cv_folds;
}

export function PrepareScreen({ services, onBack, onTrain }: { readonly services: Services; readonly onBack: () => void; readonly onTrain: (p: Params) => void }): React.JSX.Element {
  const [values, setValues] = useState(() => initial(services.params));
  const [sel, setSel] = useState(0);
  const [note, setNote] = useState<string | null>(null);
  const params = paramsFromChoices(services.params, values);
  useListKeys(CHOICES.length, sel, setSel);
  useKeys((input, key) => {
    const c = CHOICES[sel]!;
    const cycle = (d: number): void => {
      const i = c.options.indexOf(values[c.key]!);
      setValues({ ...values, [c.key]: c.options[(i + d + c.options.length) % c.options.length]! });
    };
    if (key.rightArrow || input === 'l' || input === ' ') cycle(1);
    else if (key.leftArrow || input === 'h') cycle(-1);
    else if (key.escape) onBack();
    else if (key.return) onTrain(params);
    else if (input === 's') {
      writeFileAtomic(services.project.paramsPath, stringify(params));
      setNote(`saved ${services.project.paramsPath}`);
    }
  });
  return (
    <Screen title="Prepare" hints="↑↓ setting · ←→/space change · Enter train once with these · s save to params.yaml · Esc back">
      <SelectList items={CHOICES.map((c) => ({ key: c.key, label: c.label.padEnd(24), detail: values[c.key] ?? '' }))} selected={sel} height={15} />
      <Box marginTop={1}>
        <Text wrap="truncate-end">
          {params.search.strategy === 'grid' || params.search.strategy === 'auto' ? <>{params.search.families.length} families, {fitCount(params) / params.split.cv_folds} candidates × {params.split.cv_folds} folds = <Text bold>{fitCount(params)} fits</Text>{params.search.strategy === 'auto' && params.planner.grid_budget !== null ? ` (successive halving if estimated over ${approxDuration(params.planner.grid_budget)})` : ''}</> : trainPlan(params)}
        </Text>
      </Box>
      {note ? <Text color="green">{note}</Text> : null}
    </Screen>
  );
}
