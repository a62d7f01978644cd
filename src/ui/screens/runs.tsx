import { Box, Text } from 'ink';
import { useKeys } from '../components/keys.js';
import React, { useMemo, useState } from 'react';
import type { RunRow } from '../../core/store/run-store.js';
import { compareRows } from '../../core/store/compare.js';
import { Screen, SelectList, useListKeys } from '../components/basics.js';
import type { Services } from '../services.js';

type SortKey = 'auc' | 'time';

/** Searches and their candidates, sortable; mark two with space to compare side by side. */
export function RunsScreen({ services, onBack }: { readonly services: Services; readonly onBack: () => void }): React.JSX.Element {
  const { store } = services;
  const searches = useMemo(() => store.listRuns({ experiment: 'train', parent: null, limit: 20 }), [store]);
  const [search, setSearch] = useState<RunRow | null>(null);
  const [sort, setSort] = useState<SortKey>('auc');
  const [sel, setSel] = useState(0);
  const [marked, setMarked] = useState<string[]>([]);
  const [compare, setCompare] = useState(false);
  const [diffOnly, setDiffOnly] = useState(false);
  const children = useMemo(() => {
    if (!search) return [];
    const rows = store.listRuns({ parent: search.run_id, limit: 1000 }).map((r) => ({ r, m: store.latestMetrics(r.run_id) }));
    return sort === 'auc' ? rows.sort((a, b) => (b.m['cv_auc_mean'] ?? 0) - (a.m['cv_auc_mean'] ?? 0)) : rows.sort((a, b) => a.r.start_time - b.r.start_time);
  }, [search, sort, store]);
  const list = search ? children.map(({ r, m }) => ({ key: r.run_id, label: `${(m['cv_auc_mean'] ?? NaN).toFixed(4)} ± ${(m['cv_auc_std'] ?? NaN).toFixed(3)}  ${r.name}`.slice(0, 90) })) : searches.map((r) => ({ key: r.run_id, label: `${r.run_id.slice(0, 10)}  ${r.name}`, detail: `${r.status} · ${store.childCount(r.run_id)} candidates` }));
  useListKeys(list.length, sel, setSel, !compare);
  useKeys((input, key) => {
    if (key.escape) {
      if (compare) setCompare(false);
      else if (search) {
        setSearch(null);
        setSel(0);
        setMarked([]);
      } else onBack();
      return;
    }
    if (compare) {
      if (input === 'd') setDiffOnly((d) => !d);
      return;
    }
    const item = list[sel];
    if (!item) return;
    if (key.return && !search) {
      setSearch(searches[sel] ?? null);
      setSel(0);
    } else if (input === ' ') setMarked((m) => (m.includes(item.key) ? m.filter((x) => x !== item.key) : [...m.slice(-1), item.key]));
    else if (input === 'c' && marked.length === 2) setCompare(true);
    else if (input === 's' && search) setSort((s) => (s === 'auc' ? 'time' : 'auc'));
  });
  if (compare && marked.length === 2) {
    const [a, b] = marked.map((id) => store.getRun(id));
    const rows = compareRows(store.params(a!.run_id), store.params(b!.run_id), store.latestMetrics(a!.run_id), store.latestMetrics(b!.run_id)).filter((r) => !diffOnly || r.differs);
    return (
      <Screen title="Compare runs" hints={`d diff-only (${diffOnly ? 'on' : 'off'}) · Esc back`}>
        {rows.map((r) => (
          <Text key={r.key} {...(r.differs ? { color: 'yellow' as const } : {})}>
            {r.key.padEnd(28)} {r.a.padEnd(22)} {r.b}
          </Text>
        ))}
      </Screen>
    );
  }
  const fold = search && list[sel] ? store.metricHistory(list[sel]!.key).filter((m) => m.key === 'roc_auc' && m.step > 0) : [];
  return (
    <Screen title={search ? `Leaderboard ${search.run_id.slice(0, 10)}` : 'Runs'} hints={search ? `↑↓ move · s sort (${sort}) · space mark · c compare marked · Esc back` : '↑↓ move · Enter open a search · space mark · c compare · Esc back'}>
      {list.length === 0 ? <Text>No training runs yet.</Text> : <SelectList items={list} selected={sel} height={14} marked={new Set(marked)} />}
      {fold.length ? (
        <Box marginTop={1}>
          <Text dimColor>fold AUC: {fold.map((m) => m.value.toFixed(4)).join('  ')}</Text>
        </Box>
      ) : null}
    </Screen>
  );
}
