import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Box, Text, useInput } from 'ink';
import React, { useState } from 'react';
import type { DatasetRow } from '../../core/store/run-store.js';
import { ingest } from '../../engine/ingest.js';
import { Screen, TextField } from '../components/basics.js';
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

export function DataScreen({ services, onBack }: { readonly services: Services; readonly onBack: () => void }): React.JSX.Element {
  const [path, setPath] = useState('');
  const [log, setLog] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<DatasetRow | null>(services.store.listDatasets()[0] ?? null);
  useInput((_i, key) => {
    if (key.escape && !busy) onBack();
  });
  const submit = async (value: string): Promise<void> => {
    setBusy(true);
    setError(null);
    setLog([]);
    try {
      for await (const ev of ingest(services.project, services.store, value.trim() ? { source: value.trim() } : {})) {
        if (ev.type === 'stage') setLog((l) => [...l, ev.message]);
        else {
          setResult(ev.dataset);
          setLog((l) => [...l, ev.unchanged ? `unchanged: same sha256 as ${ev.dataset.name}@${ev.dataset.version}` : `ingested ${ev.dataset.name}@${ev.dataset.version}`]);
        }
      }
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Screen title="Data" hints="type a path · Tab complete · Enter ingest (empty: download the UCI Statlog file) · Esc back" error={error}>
      <TextField label="Source:" value={path} onChange={setPath} onSubmit={(v) => void submit(v)} complete={completePath} isActive={!busy} />
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
          {chunk(result.schema.map((c) => `${c.name.slice(0, 16)}:${c.role.slice(0, 3)}`), 3).map((row, i) => (
            <Text key={i} wrap="truncate-end">
              {row.map((cell) => cell.padEnd(25)).join(' ')}
            </Text>
          ))}
          <Text dimColor>Roles: num = numeric, cat = categorical, ord = ordinal; override in params.yaml data.roles.</Text>
        </Box>
      ) : null}
    </Screen>
  );
}
