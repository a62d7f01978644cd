import asciichart from 'asciichart';
import { Box, Text } from 'ink';
import React, { useMemo, useState } from 'react';
import { humanMessage } from '../../core/human-errors.js';
import type { MonitorReport } from '../../engine/monitor.js';
import { dashboardUrl } from '../../serve/dashboard/status.js';
import { withEngine, type Engine } from '../engine.js';
import { Screen, SelectList, useListKeys } from '../components/basics.js';
import { useKeys } from '../components/keys.js';
import type { Services } from '../services.js';

const CHARTS = [
  ['approval_rate', 'approval rate'],
  ['score_psi', 'score PSI'],
  ['drift_share', 'drift share'],
  ['auc', 'realised AUC'],
  ['estimated_auc', 'estimated AUC'],
] as const;

const pct = (x: number | null): string => (x === null ? '-' : `${(x * 100).toFixed(1)}%`);

/** One metric over the periods, with each period's alert band (sized for its rows) drawn as two series. */
function chart(report: MonitorReport, metric: (typeof CHARTS)[number][0]): string {
  const values = report.periods.map((p) => p[metric] ?? NaN);
  if (values.every((v) => Number.isNaN(v))) return '(no values: outcomes not imported yet)';
  const series = [values.map((v) => (Number.isNaN(v) ? 0 : v))];
  if (metric === 'estimated_auc') {
    // CBPE: the estimate, its ±3σ band, and the realised AUC once outcomes exist.
    series.push(report.periods.map((p) => p.estimated_auc_upper ?? 0), report.periods.map((p) => p.estimated_auc_lower ?? 0));
    if (report.periods.some((p) => p.auc !== null)) series.push(report.periods.map((p) => p.auc ?? 0));
  } else {
    const edge = (side: 'lower' | 'upper'): number[] | null => {
      const xs = report.periods.map((p) => p.bands.find((b) => b.metric === metric)?.[side] ?? null);
      return xs.every((x) => x !== null) ? (xs as number[]) : null;
    };
    for (const e of [edge('upper'), edge('lower')]) if (e) series.push(e);
  }
  return asciichart.plot(series, { height: 5, format: (x: number) => x.toFixed(3).padStart(6) });
}

/** Monitoring over time: periods with their alerts, a chart per metric with its band, a period's drift. */
function MonitorView({ services, onBack, engine }: { readonly services: Services; readonly onBack: () => void; readonly engine: Engine }): React.JSX.Element {
  const result = useMemo(() => {
    try {
      return { report: engine.monitor.runMonitor(services.project, services.store, services.params, { by: { kind: 'batch' } }), error: null };
    } catch (e) {
      return { report: null, error: humanMessage(e) };
    }
  }, [services, engine]);
  const [sel, setSel] = useState(0);
  const [metric, setMetric] = useState(0);
  const [detail, setDetail] = useState(false);
  const report = result.report;
  useListKeys(report?.periods.length ?? 0, sel, setSel, !detail);
  useKeys((_i, key) => {
    if (key.escape) return detail ? setDetail(false) : onBack();
    if (key.return && report) setDetail(true);
    if (key.tab) setMetric((m) => (m + 1) % CHARTS.length);
  });
  if (!report) return <Screen title="Monitor" hints="Esc back" error={result.error} />;
  const p = report.periods[sel]!;
  if (detail) {
    return (
      <Screen title={`Monitor › ${p.period}`} hints="Esc back to the periods">
        <Text>
          {p.rows} rows, {(p.approval_rate * 100).toFixed(1)}% approved, mean p(bad) {p.mean_p_bad.toFixed(3)}, score PSI {p.score_psi.toFixed(3)}
        </Text>
        <Text>
          realised AUC {p.auc?.toFixed(3) ?? '-'} ({p.labeled} labelled), estimated AUC {p.estimated_auc?.toFixed(3) ?? '-'} (±3σ {p.estimated_auc_lower?.toFixed(3) ?? '-'}–{p.estimated_auc_upper?.toFixed(3) ?? '-'})
        </Text>
        <Text>
          bad rate among the approved: realised {pct(p.bad_rate_approved)}, estimated {pct(p.estimated_bad_rate_approved)}
        </Text>
        {p.multivariate ? (
          <Text>
            multivariate drift: PCA reconstruction error {p.multivariate.error.toFixed(3)} (band {p.multivariate.lower.toFixed(3)}–{p.multivariate.upper.toFixed(3)}){p.multivariate.alert ? ' ✗' : ''}
          </Text>
        ) : null}
        <Text>
          dataset drift: {p.dataset_drift ? 'yes' : 'no'} (share {pct(p.drift_share)}{p.weighted_drift_share === null ? '' : `, importance-weighted ${pct(p.weighted_drift_share)}`})
        </Text>
        {p.fairness.map((f) => (
          <Text key={f.attribute} color={f.alert ? 'red' : undefined}>
            {f.attribute}: {f.groups.map((g) => `${g.group} ${pct(g.approval_rate)}${g.too_few ? '*' : ''}`).join(' ')} · AIR {f.adverse_impact_ratio?.toFixed(2) ?? 'too few to judge'}
          </Text>
        ))}
        <Text color={p.data_quality.alert ? 'red' : undefined}>
          data quality: missing {pct(p.data_quality.missing_rate)}; {p.data_quality.columns.filter((c) => c.alerts.length).map((c) => `${c.column} ${c.alerts.join('/')}`).join(', ') || 'no alert'}
        </Text>
        <Text color={p.alert ? 'red' : 'green'}>{p.alert ? `✗ alerts: ${p.alerts.join(', ')}` : '✓ no alert'}</Text>
        <Text>drifting columns: {p.drifted_columns.length ? p.drifted_columns.join(', ') : 'none'}</Text>
        <Text dimColor>Compare the batch file with its reference on the Drift screen (8) for per-column histograms.</Text>
      </Screen>
    );
  }
  const [key, label] = CHARTS[metric]!;
  const dashboard = dashboardUrl(services.project);
  return (
    <Screen title={`Monitor (model v${report.model.version}, by ${report.by})`} hints="↑↓ period · Enter its drift · Tab next chart · Esc back">
      <Box>
        <Box width={40} flexShrink={0}>
          <SelectList items={report.periods.map((x) => ({ key: x.period, label: `${x.alert ? '✗' : '✓'} ${x.period.slice(0, 24).padEnd(24)} ${String(x.rows).padStart(6)}` }))} selected={sel} height={8} />
        </Box>
        <Box flexDirection="column" marginLeft={1} width={38}>
          <Text wrap="truncate-end">{p.alert ? `alerts: ${p.alerts.join(', ')}` : 'no alert'}</Text>
          <Text wrap="truncate-end">drift: {p.drifted_columns.join(', ') || 'none'}</Text>
        </Box>
      </Box>
      <Text dimColor>
        {label} per period
        {key === 'estimated_auc' ? ' (with its ±3σ band, and the realised AUC where outcomes exist)' : report.bands.some((b) => b.metric === key) ? ' (outer lines: the alert band)' : ''}
      </Text>
      <Text>{chart(report, key)}</Text>
      {dashboard ? <Text color="green" wrap="truncate-end">● the same periods as charts, with a PSI heat map: {dashboard}/monitor</Text> : null}
    </Screen>
  );
}

export const MonitorScreen = withEngine('Monitor', MonitorView);
