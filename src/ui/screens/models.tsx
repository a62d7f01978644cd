import { join } from 'node:path';
import { Text } from 'ink';
import { useKeys } from '../components/keys.js';
import React, { useEffect, useState } from 'react';
import { verdictLine, type AttributeFigures } from '../../core/fairness/audit.js';
import { storedUsefulness } from '../../core/metrics/classification.js';
import { humanMessage } from '../../core/human-errors.js';
import { onnxRefusal } from '../../core/export/onnx-export.js';
import type { DecisionRecord } from '../../core/decision/policy.js';
import type { CalibrationRecord } from '../../engine/champion.js';
import { runningServer } from '../../serve/status.js';
import { dashboardUrl } from '../../serve/dashboard/status.js';
import { REGISTERED_MODEL } from '../../core/registry/bundle.js';
import { loadEngine } from '../engine.js';
import { Screen, SelectList, useListKeys } from '../components/basics.js';
import type { Services } from '../services.js';

/** The version's stored fairness audit as one line per attribute. */
function fairnessLines(services: Services, runId: string): string[] {
  const tag = services.store.tags(runId)['fairness'];
  if (!tag) return [];
  const f = JSON.parse(tag) as { attributes: AttributeFigures[] };
  return f.attributes.map((a) => `fairness ${verdictLine(a)}`);
}

/** The version's cut-off policy and, when calibrated, its reliability on the test rows (mean p → observed per bin). */
function decisionLines(services: Services, runId: string): string[] {
  const tags = services.store.tags(runId);
  if (!tags['decision'] || !tags['calibration']) return [];
  const d = JSON.parse(tags['decision']) as DecisionRecord;
  const c = JSON.parse(tags['calibration']) as CalibrationRecord;
  const pct = (x: number): string => `${(x * 100).toFixed(0)}%`;
  const lines = [`cut-off ${d.policy}${d.target === null ? '' : ` ${d.target}`} at ${d.threshold.toFixed(3)}: test recall ${pct(d.test.recall)}, approval ${pct(d.test.approval_rate)}, cost ${d.test.expected_cost.toFixed(3)}`];
  const bins = (c.method === 'none' ? c.test_before : c.test_after).bins.filter((b) => b.n > 0).map((b) => `${b.mean_p.toFixed(2)}→${b.observed.toFixed(2)}`);
  lines.push(`reliability${c.method === 'none' ? '' : ` (${c.method}, ECE ${c.test_before.ece.toFixed(3)}→${c.test_after.ece.toFixed(3)})`}: ${bins.join(' ')}`);
  return lines;
}

export function ModelsScreen({ services, onBack }: { readonly services: Services; readonly onBack: () => void }): React.JSX.Element {
  const [, setTick] = useState(0);
  const versions = services.store.listModelVersions();
  const [sel, setSel] = useState(0);
  const [note, setNote] = useState<{ text: string; ok: boolean } | null>(null);
  const server = runningServer(services.project);
  const dashboard = dashboardUrl(services.project);
  useEffect(() => {
    // The server may start or stop while this screen is open.
    const t = setInterval(() => setTick((n) => n + 1), 2000);
    return () => clearInterval(t);
  }, []);
  // A scorecard's points table loads with the engine (after the first frame), for the selected version only.
  const [card, setCard] = useState<{ readonly version: number; readonly lines: readonly string[] } | null>(null);
  const selected = versions[sel];
  useEffect(() => {
    if (!selected || selected.family !== 'scorecard') return;
    let live = true;
    void import('../../engine/scorecard.js').then(({ scorecardOf, scorecardSummary }) => {
      try {
        if (live) setCard({ version: selected.version, lines: scorecardSummary(scorecardOf(services.store, services.params, String(selected.version)), 4) });
      } catch (e) {
        if (live) setCard({ version: selected.version, lines: [humanMessage(e)] });
      }
    });
    return () => {
      live = false;
    };
  }, [selected?.version, selected?.family, services]);
  useListKeys(versions.length, sel, setSel);
  useKeys((input, key) => {
    if (key.escape) onBack();
    const v = versions[sel];
    if (v && (input === 'p' || key.return)) {
      services.store.setAlias(REGISTERED_MODEL, 'champion', v.version);
      setNote({ text: `v${v.version} is now the champion`, ok: true });
      setTick((n) => n + 1);
    }
    if (v && input === 'e') {
      // ONNX where the family allows it, else the JSON bundle: both land in <project>/exports/.
      const format = onnxRefusal(v.family) === null ? 'onnx' : 'json';
      const output = join(services.project.home, 'exports', `${v.name}-v${v.version}.${format}`);
      void (async () => {
        try {
          const { exportModel } = (await loadEngine()).exporter;
          const r = exportModel(services.project, services.store, { model: String(v.version), format, output, scale: services.params.scoring });
          setNote({ text: `exported v${r.version} as ${format} to ${r.path}${format === 'json' ? ' (knn has no ONNX export: see the README)' : ''}`, ok: true });
        } catch (e) {
          setNote({ text: humanMessage(e), ok: false });
        }
      })();
    }
  });
  return (
    <Screen title="Models" hints="↑↓ move · p/Enter promote to champion · e export (ONNX) · Esc back">
      <Text {...(server ? { color: 'green' as const } : { dimColor: true })} wrap="truncate-end">
        {server ? `● serving at ${server.url} (${server.model}, pid ${server.pid})` : '○ no server running on this project (credit-tui serve)'}
      </Text>
      {dashboard ? <Text color="green" wrap="truncate-end">● dashboard (charts of every version) at {dashboard}/models</Text> : null}
      {versions.length === 0 ? <Text>No registered models: train first.</Text> : null}
      <SelectList
        items={versions.map((v) => ({
          key: String(v.version),
          label: `v${String(v.version).padEnd(3)} ${v.family.padEnd(8)} CV ${(v.metrics['cv_auc_mean'] ?? NaN).toFixed(4)} test AUC ${(v.metrics['test_roc_auc'] ?? NaN).toFixed(4)} KS ${(v.metrics['test_ks'] ?? NaN).toFixed(3)} cost ${(v.metrics['test_cost_at_optimal'] ?? NaN).toFixed(3)}`,
          detail: v.aliases.join(', '),
        }))}
        selected={sel}
        height={8}
      />
      {versions[sel] && storedUsefulness(versions[sel].metrics) ? (
        <Text color={storedUsefulness(versions[sel].metrics)!.useless ? 'yellow' : undefined} wrap="truncate-end">
          {storedUsefulness(versions[sel].metrics)!.useless ? '⚠ ' : ''}v{versions[sel].version} {storedUsefulness(versions[sel].metrics)!.text}
        </Text>
      ) : null}
      {versions[sel] ? fairnessLines(services, versions[sel].run_id).map((line) => (
        <Text key={line} wrap="truncate-end" {...(line.includes('⚠') ? { color: 'yellow' as const } : { dimColor: true })}>
          {line}
        </Text>
      )) : null}
      {versions[sel] ? decisionLines(services, versions[sel].run_id).map((line) => (
        <Text key={line} wrap="truncate-end" dimColor>
          {line}
        </Text>
      )) : null}
      {selected?.family === 'scorecard' && card?.version === selected.version ? card.lines.map((line) => (
        <Text key={line} wrap="truncate-end">
          {line}
        </Text>
      )) : null}
      {note ? <Text color={note.ok ? 'green' : 'yellow'} wrap="wrap">{note.text}</Text> : null}
    </Screen>
  );
}
