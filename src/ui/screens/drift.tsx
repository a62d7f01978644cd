import { Box, Text } from 'ink';
import { useKeys } from '../components/keys.js';
import { humanMessage, requirePath } from '../../core/human-errors.js';
import React, { useState } from 'react';
import type { DriftReport } from '../../engine/drift.js';
import { loadEngine } from '../engine.js';
import { Screen, SelectList, TextField, useListKeys } from '../components/basics.js';
import { completePath } from './data.js';
import type { Services } from '../services.js';

export function DriftScreen({ services, onBack }: { readonly services: Services; readonly onBack: () => void }): React.JSX.Element {
  const latest = services.store.listDatasets()[0];
  const [ref, setRef] = useState(latest?.path ?? '');
  const [cur, setCur] = useState('');
  const [field, setField] = useState<'ref' | 'cur' | 'result'>('ref');
  const [report, setReport] = useState<DriftReport | null>(null);
  const [sel, setSel] = useState(0);
  const [error, setError] = useState<string | null>(null);
  useListKeys(report?.columns.length ?? 0, sel, setSel, field === 'result');
  useKeys((_i, key) => {
    if (key.escape) {
      if (field === 'result') setField('cur');
      else onBack();
    } else if (key.upArrow && field === 'cur') setField('ref');
    else if (key.downArrow && field === 'ref') setField('cur');
  });
  const run = async (): Promise<void> => {
    try {
      setError(null);
      const refPath = requirePath(ref, 'a reference file (↑ to edit it)');
      const curPath = requirePath(cur, 'a current file to compare');
      const { runDrift } = (await loadEngine()).drift;
      setReport(await runDrift(services.store, refPath, curPath, services.params.drift, { target: services.params.data.target }));
      setField('result');
      setSel(0);
    } catch (e) {
      setError(humanMessage(e));
    }
  };
  const c = report?.columns[sel];
  return (
    <Screen title="Drift" hints={field === 'result' ? '↑↓ column · Esc edit files' : 'type paths · Tab complete · ↑↓ switch field · Enter compare · Esc back'} error={error}>
      <TextField label="Reference:" value={ref} onChange={(v) => {
          setRef(v);
          setError(null);
        }} onSubmit={() => setField('cur')} complete={completePath} isActive={field === 'ref'} />
      <TextField label="Current:  " value={cur} onChange={(v) => {
          setCur(v);
          setError(null);
        }} onSubmit={() => void run()} complete={completePath} isActive={field === 'cur'} />
      {report ? (
        <Box flexDirection="column" marginTop={1}>
          <Text bold color={report.dataset_drift ? 'red' : 'green'}>
            {report.dataset_drift ? 'DATASET DRIFT' : 'no dataset drift'}: {report.drifted_columns} of {report.columns.length} columns drifted
          </Text>
          <Box>
            <Box width={56}>
              <SelectList items={report.columns.map((x) => ({ key: x.column, label: `${x.column.slice(0, 18).padEnd(18)} ${x.test.padEnd(6)} PSI ${x.psi.toFixed(3)} ${x.drifted ? '✗ drift' : '✓'}` }))} selected={sel} height={12} />
            </Box>
            {c ? (
              <Box flexDirection="column" marginLeft={1}>
                <Text bold>{c.column}</Text>
                <Text dimColor>{c.reason}</Text>
                {c.bins.labels.slice(0, 10).map((l, i) => (
                  <Text key={l}>
                    {l.slice(0, 10).padEnd(10)} <Text color="cyan">{'█'.repeat(Math.round(c.bins.ref[i]! * 20))}</Text>
                    {'\n'}
                    {''.padEnd(10)} <Text color="yellow">{'█'.repeat(Math.round(c.bins.cur[i]! * 20))}</Text>
                  </Text>
                ))}
              </Box>
            ) : null}
          </Box>
        </Box>
      ) : null}
    </Screen>
  );
}
