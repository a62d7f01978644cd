import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Box, Text } from 'ink';
import { useKeys } from '../components/keys.js';
import { humanMessage } from '../../core/human-errors.js';
import React, { useState } from 'react';
import type { DatasetRow } from '../../core/store/run-store.js';
import type { ColumnRole } from '../../core/params/params.js';
import type { IngestOptions } from '../../engine/ingest.js';
import { loadEngine } from '../engine.js';
import { Screen, SelectList, TextField, useListKeys } from '../components/basics.js';
import type { Services } from '../services.js';

/** Completes a path to the longest common prefix of the matching directory entries. */
export function completePath(value: string): string {
  const dir = value.endsWith('/') ? value : dirname(value);
  const base = value.endsWith('/') ? '' : basename(value);
  let entries: string[];
  try {
    entries = readdirSync(dir || '.').filter((e) => e.startsWith(base));
  } catch {
    return value;
  }
  if (entries.length === 0) return value;
  let prefix = entries[0]!;
  for (const e of entries) while (!e.startsWith(prefix)) prefix = prefix.slice(0, -1);
  const full = join(dir, prefix);
  return entries.length === 1 && existsSync(full) && statSync(full).isDirectory() ? `${full}/` : dir === '.' && !value.startsWith('./') ? prefix : full;
}

function chunk<T>(xs: readonly T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

const ROLES: readonly ColumnRole[] = ['numeric', 'categorical', 'ordinal', 'ignore'];

export function DataScreen({ services, onBack }: { readonly services: Services; readonly onBack: () => void }): React.JSX.Element {
  const [path, setPath] = useState('');
  const [log, setLog] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<DatasetRow | null>(services.store.listDatasets()[0] ?? null);
  const [focus, setFocus] = useState<'path' | 'schema'>('path');
  const [sel, setSel] = useState(0);
  const [roles, setRoles] = useState<Record<string, ColumnRole>>({});
  const columns = (result?.schema ?? []).filter((c) => c.role !== 'target');
  useListKeys(columns.length, sel, setSel, focus === 'schema' && !busy);
  const run = async (opts: IngestOptions): Promise<void> => {
    setBusy(true);
    setError(null);
    setLog([]);
    try {
      const { ingest } = (await loadEngine()).ingest;
      for await (const ev of ingest(services.project, services.store, opts)) {
        if (ev.type === 'stage') setLog((l) => [...l, ev.message]);
        else {
          setResult(ev.dataset);
          setRoles({});
          setLog((l) => [...l, ev.unchanged ? `unchanged: same sha256 and roles as ${ev.dataset.name}@${ev.dataset.version}` : `ingested ${ev.dataset.name}@${ev.dataset.version}`]);
        }
      }
    } catch (e) {
      setError(humanMessage(e));
    } finally {
      setBusy(false);
    }
  };
  useKeys((input, key) => {
    if (busy) return;
    if (key.escape) return onBack();
    if (key.tab && result && (focus === 'schema' || path === '')) return setFocus(focus === 'path' ? 'schema' : 'path');
    if (focus !== 'schema' || !result) return;
    const col = columns[sel];
    if (input === 'r' && col) {
      const current = roles[col.name] ?? (col.role as ColumnRole);
      setRoles({ ...roles, [col.name]: ROLES[(ROLES.indexOf(current) + 1) % ROLES.length]! });
    } else if (input === 'a' && Object.keys(roles).length > 0) {
      void run({ source: result.raw_path, name: result.name, roles: { ...result.roles, ...roles } as Record<string, ColumnRole> });
    }
  });
  return (
    <Screen
      title="Data"
      hints={focus === 'path' ? 'type a path · Tab complete (empty: schema) · Enter ingest (empty: the built-in Statlog sample) · Esc back' : '↑↓ column · r change role · a apply (re-ingest as a new version) · Tab path · Esc back'}
      error={error}
    >
      <TextField label="Source:" value={path} onChange={(v) => {
          setPath(v);
          setError(null);
        }} onSubmit={(v) => void run(v.trim() ? { source: v.trim() } : {})} complete={completePath} isActive={!busy && focus === 'path'} />
      {log.slice(-2).map((l, i) => (
        <Text key={i} dimColor>
          … {l}
        </Text>
      ))}
      {result ? (
        <Box flexDirection="column" marginTop={1}>
          <Text>
            {result.name}@{result.version}: {result.rows} rows, {result.columns} columns ({result.format}), sha256 {result.digest.slice(0, 12)}
          </Text>
          {focus === 'schema' ? (
            <SelectList items={columns.map((c) => ({ key: c.name, label: `${c.name.padEnd(22)} ${(roles[c.name] ?? c.role).padEnd(12)}`, detail: roles[c.name] && roles[c.name] !== c.role ? `(was ${c.role})` : c.levels ? `${c.levels.length} levels` : '' }))} selected={sel} height={10} />
          ) : (
            chunk(result.schema.map((c) => `${c.name.slice(0, 16)}:${c.role.slice(0, 3)}`), 3).map((row, i) => (
              <Text key={i} wrap="truncate-end">
                {row.map((cell) => cell.padEnd(25)).join(' ')}
              </Text>
            ))
          )}
          <Text dimColor>{focus === 'schema' ? `${Object.keys(roles).length} change(s) pending` : 'Roles: num = numeric, cat = categorical, ord = ordinal. Tab to change them.'}</Text>
        </Box>
      ) : null}
    </Screen>
  );
}
