import { Box, Text } from 'ink';
import { useKeys } from '../components/keys.js';
import { humanMessage } from '../../core/human-errors.js';
import React, { useMemo, useState } from 'react';
import type { InputColumn } from '../../core/scoring/profile.js';
import type { ScoredRow, ScoreSummary } from '../../engine/score.js';
import { withEngine, type Engine } from '../engine.js';
import { Screen, SelectList, TextField, useListKeys } from '../components/basics.js';
import { completePath } from './data.js';
import type { Services } from '../services.js';

function defaults(cols: readonly InputColumn[]): Record<string, string> {
  return Object.fromEntries(cols.map((c) => [c.name, c.kind === 'numeric' ? String(Math.round((c.min + c.max) / 2)) : c.levels[0] ?? '']));
}

/** A form built from the champion's input profile (choice lists, validated numbers), or a batch file. */
function ScoreView({ services, onBack, engine }: { readonly services: Services; readonly onBack: () => void; readonly engine: Engine }): React.JSX.Element {
  const { scoreApplicant, scoreFile, defaultScoreOutput } = engine.score;
  const loaded = useMemo(() => {
    try {
      return { model: engine.registry.loadRegisteredModel(services.store), error: null };
    } catch (e) {
      return { model: null, error: humanMessage(e) };
    }
  }, [services, engine]);
  const cols = loaded.model?.bundle.input.columns ?? [];
  const [values, setValues] = useState<Record<string, string>>(() => defaults(cols));
  const [sel, setSel] = useState(0);
  const [mode, setMode] = useState<'form' | 'batch'>('form');
  const [result, setResult] = useState<(ScoredRow & { model_version: number }) | null>(null);
  const [batchPath, setBatchPath] = useState('');
  const [progress, setProgress] = useState<string>('');
  const [summary, setSummary] = useState<ScoreSummary | null>(null);
  const [error, setError] = useState<string | null>(loaded.error);
  const [scored, setScored] = useState<Record<string, string> | null>(null);
  useListKeys(cols.length, sel, setSel, mode === 'form');
  /** Every edit makes the shown result stale, so it is cleared with any error it caused. */
  const edit = (name: string, value: string): void => {
    setValues((v) => ({ ...v, [name]: value }));
    setResult(null);
    setScored(null);
    setError(null);
  };
  useKeys((input, key) => {
    if (key.escape) return mode === 'batch' ? setMode('form') : onBack();
    if (mode !== 'form') return;
    if (key.tab) return setMode('batch');
    const c = cols[sel];
    if (!c) return;
    const value = values[c.name] ?? '';
    if (c.kind === 'categorical' && (key.leftArrow || key.rightArrow)) {
      const i = c.levels.indexOf(value);
      edit(c.name, c.levels[(i + (key.rightArrow ? 1 : -1) + c.levels.length) % c.levels.length]!);
    } else if (c.kind === 'numeric' && key.ctrl && input === 'u') edit(c.name, '');
    else if (c.kind === 'numeric' && !key.ctrl && !key.meta && /^[0-9.-]+$/.test(input)) edit(c.name, value + input);
    else if (c.kind === 'numeric' && (key.backspace || key.delete)) edit(c.name, value.slice(0, -1));
    else if (key.return) {
      try {
        setResult(scoreApplicant(services.store, values, { scale: services.params.scoring }));
        setScored(values);
        setError(null);
      } catch (e) {
        setError(humanMessage(e));
        setResult(null);
      }
    }
  });
  const runBatch = async (path: string): Promise<void> => {
    setError(null);
    setSummary(null);
    try {
      const output = defaultScoreOutput(services.project.outputsDir, path);
      for await (const ev of scoreFile(services.project, services.store, { input: path, output, scale: services.params.scoring })) {
        if (ev.type === 'progress') setProgress(`${ev.rows} rows, ${ev.rejected} rejected`);
        if (ev.type === 'finished') setSummary(ev.summary);
      }
    } catch (e) {
      setError(humanMessage(e));
    }
  };
  if (!loaded.model) return <Screen title="Score" hints="Esc back" error={error} />;
  if (mode === 'batch') {
    return (
      <Screen title="Score a batch file" hints="type a path · Tab complete · Enter score · Esc back to the form" error={error}>
        <TextField label="File:" value={batchPath} onChange={setBatchPath} onSubmit={(v) => void runBatch(v)} complete={completePath} />
        {progress ? <Text dimColor>… {progress}</Text> : null}
        {summary ? (
          <Text color="green">
            ✓ scored {summary.scored}/{summary.rows_read}: {summary.approve} approve, {summary.decline} decline, {summary.rejected} rejected → {summary.output}
          </Text>
        ) : null}
      </Screen>
    );
  }
  const outside = scored ? outOfRange(cols, scored) : [];
  return (
    <Screen title={`Score one applicant (model v${loaded.model.version.version}, ${loaded.model.bundle.family})`} hints="↑↓ field · ←→ choose · Ctrl+U clear · Enter score · Tab batch · Esc back" error={error}>
      <Box>
        <Box width={42} flexShrink={0}>
          <SelectList items={cols.map((c) => ({ key: c.name, label: fieldLabel(c, values[c.name] ?? '') }))} selected={sel} height={14} />
        </Box>
        {result ? (
          <Box flexDirection="column" marginLeft={1}>
            <Text>p(bad) {result.p_bad.toFixed(4)}</Text>
            <Text>
              decision <Text color={result.decision === 'approve' ? 'green' : 'red'} bold>{result.decision.toUpperCase()}</Text>
            </Text>
            <Text>score {result.score} points</Text>
            <Text>reasons:</Text>
            {result.reasons.length ? result.reasons.map((r, i) => <Text key={r.column}>  {i + 1}. {r.text}</Text>) : <Text dimColor>  none above the average applicant</Text>}
            {outside.map((w) => (
              <Text key={w} color="yellow">
                ⚠ {w}
              </Text>
            ))}
          </Box>
        ) : (
          <Box marginLeft={1}>
            <Text dimColor>Enter scores the values shown</Text>
          </Box>
        )}
      </Box>
    </Screen>
  );
}

/** One form row: the value, and for numbers the range seen in training. */
function fieldLabel(c: InputColumn, value: string): string {
  const name = c.name.slice(0, 18).padEnd(18);
  if (c.kind === 'categorical') return `${name} ◂ ${value} ▸`;
  return `${name} ${value.padEnd(7)} ${`[${c.min}-${c.max}]`}`;
}

/** Warnings for numbers outside the training range: the model never saw such applicants. */
export function outOfRange(cols: readonly InputColumn[], values: Readonly<Record<string, string>>): string[] {
  const warnings: string[] = [];
  for (const c of cols) {
    if (c.kind !== 'numeric') continue;
    const v = Number(values[c.name]);
    if (values[c.name] !== '' && Number.isFinite(v) && (v < c.min || v > c.max)) warnings.push(`${c.name} ${v} is outside the training range ${c.min}-${c.max}`);
  }
  return warnings;
}

export const ScoreScreen = withEngine('Score', ScoreView);
