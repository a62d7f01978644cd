import { Box, Text } from 'ink';
import { useKeys } from '../components/keys.js';
import { humanMessage } from '../../core/human-errors.js';
import React, { useMemo, useState } from 'react';
import type { EdaReport } from '../../core/data/eda.js';
import { withEngine, type Engine } from '../engine.js';
import { Screen, SelectList, useListKeys } from '../components/basics.js';
import type { Services } from '../services.js';

const BARS = ' ▁▂▃▄▅▆▇█';

function loadReport(services: Services, engine: Engine): { report: EdaReport | null; error: string | null } {
  try {
    return { report: engine.datasets.runEda(services.store, services.store.resolveDataset(services.params.data.dataset)).report, error: null };
  } catch (e) {
    return { report: null, error: humanMessage(e) };
  }
}

function ExploreView({ services, onBack, engine }: { readonly services: Services; readonly onBack: () => void; readonly engine: Engine }): React.JSX.Element {
  const { report, error } = useMemo(() => loadReport(services, engine), [services, engine]);
  const [sel, setSel] = useState(0);
  const [pane, setPane] = useState<'columns' | 'correlations'>('columns');
  const cols = report ? [...report.columns].sort((a, b) => b.iv - a.iv) : [];
  useListKeys(cols.length, sel, setSel);
  useKeys((input, key) => {
    if (key.escape) onBack();
    if (key.tab || input === 'c') setPane((p) => (p === 'columns' ? 'correlations' : 'columns'));
  });
  if (!report) return <Screen title="Explore" hints="Esc back" error={error ?? 'no data'} />;
  const c = cols[sel];
  return (
    <Screen title={`Explore ${report.dataset}`} hints="↑↓ column · Tab correlations · Esc back">
      <Text>
        {report.rows} rows, bad rate {(report.bad_rate * 100).toFixed(1)}% — columns by information value
      </Text>
      {pane === 'correlations' ? (
        <Box flexDirection="column" marginTop={1}>
          {report.correlations.columns.map((name, i) => (
            <Text key={name}>
              {name.slice(0, 16).padEnd(17)}
              {report.correlations.matrix[i]!.map((v) => (Number.isNaN(v) ? '   - ' : v.toFixed(2).padStart(6))).join('')}
            </Text>
          ))}
        </Box>
      ) : (
        <Box marginTop={1}>
          <Box width={38} flexShrink={0}>
            <SelectList items={cols.map((x) => ({ key: x.name, label: `${x.name.slice(0, 16).padEnd(16)} ${x.role.slice(0, 3)} ${(x.missing_share * 100).toFixed(0).padStart(2)}%`, detail: x.iv.toFixed(3) }))} selected={sel} height={12} />
          </Box>
          {c ? (
            <Box flexDirection="column" marginLeft={1}>
              <Text bold>{c.name} · IV {c.iv.toFixed(3)}</Text>
              {c.numeric ? (
                <>
                  <Text wrap="truncate-end">
                    mean {c.numeric.mean.toFixed(1)} sd {c.numeric.std.toFixed(1)} [{c.numeric.min}, {c.numeric.max}]
                  </Text>
                  <Text wrap="truncate-end">
                    q25 {c.numeric.q25} q50 {c.numeric.median} q75 {c.numeric.q75}
                  </Text>
                  <Text color="cyan">{c.numeric.histogram.counts.map((n) => BARS[Math.round((n / Math.max(...c.numeric!.histogram.counts)) * 8)]).join('')}</Text>
                </>
              ) : null}
              <Text dimColor>{'level'.padEnd(16)} {'n'.padStart(4)} bad%   WoE</Text>
              {c.woe_bins.slice(0, 11).map((b) => (
                <Text key={b.label} wrap="truncate-end">
                  {b.label.slice(0, 16).padEnd(16)} {String(b.count).padStart(4)} {(b.bad_rate * 100).toFixed(0).padStart(4)} {b.woe.toFixed(2).padStart(5)}
                </Text>
              ))}
            </Box>
          ) : null}
        </Box>
      )}
    </Screen>
  );
}

export const ExploreScreen = withEngine('Explore', ExploreView);
