import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { binDataset, binningJson } from '../core/binning/bin-dataset.js';
import type { ColumnBinning } from '../core/binning/optimal-binning.js';
import { badRate, type Dataset } from '../core/data/dataset.js';
import type { Params } from '../core/params/params.js';
import type { RunStore } from '../core/store/run-store.js';
import { loadStoredDataset } from './datasets.js';
import { readDataset } from './ingest.js';
import { inputFile } from './project.js';

export interface BinReport {
  readonly dataset: string;
  readonly rows: number;
  readonly bad_rate: number;
  readonly columns: readonly ColumnBinning[];
}

export interface BinInput {
  /** A data file, or a dataset name / name@version; undefined = params' dataset, else the latest ingested. */
  readonly ref?: string | undefined;
  readonly target?: string | null | undefined;
  readonly badValue?: string | null | undefined;
}

/** The dataset `bin` works on: a file when `ref` names one, else a stored dataset. */
export function loadBinInput(store: RunStore, params: Params, input: BinInput): Dataset {
  const ref = input.ref ?? params.data.dataset;
  if (ref !== null && (existsSync(ref) || /[\\/]|\.(csv|parquet|data|asc|txt)$/i.test(ref))) {
    const path = inputFile(ref, 'a data file');
    const { dataset } = readDataset(readFileSync(path), ref, path, {
      name: basename(ref),
      target: input.target ?? params.data.target,
      badValue: input.badValue ?? params.data.bad_value,
      roles: params.data.roles,
    });
    return dataset;
  }
  return loadStoredDataset(store.resolveDataset(ref));
}

/** Optimal binning of the chosen columns (all features by default), with params.yaml's `binning` settings. */
export function runBinning(ds: Dataset, params: Params, columns?: readonly string[]): BinReport {
  const b = params.binning;
  const cols = binDataset(ds, { maxPrebins: b.max_prebins, minPrebinSize: b.min_prebin_size, minBinSize: b.min_bin_size, trend: b.trend }, b.special, columns);
  return { dataset: ds.name, rows: ds.rows, bad_rate: badRate(ds), columns: cols };
}

/** `bin --json`: the dataset, then one entry per column in the documented shape. */
export function binReportJson(r: BinReport): Record<string, unknown> {
  return { dataset: r.dataset, rows: r.rows, bad_rate: r.bad_rate, columns: r.columns.map(binningJson) };
}

/** `bin --report`: a Markdown binning table per column, strongest first. */
export function binReportMarkdown(r: BinReport): string {
  const f = (x: number, d = 4): string => (Number.isInteger(x) ? String(x) : x.toFixed(d));
  const lines = [`# Optimal binning: ${r.dataset}`, '', `${r.rows} rows, bad rate ${f(r.bad_rate)}.`, ''];
  lines.push('| column | bins | trend | IV | Gini | JS |', '|---|---|---|---|---|---|');
  const ranked = [...r.columns].sort((a, b) => b.iv - a.iv);
  for (const c of ranked) lines.push(`| ${c.column} | ${c.bins.filter((b) => b.count > 0).length} | ${c.trend} | ${f(c.iv)} | ${f(c.gini)} | ${f(c.js)} |`);
  for (const c of ranked) {
    lines.push('', `## ${c.column}`, '', '| bin | count | bad | good | bad rate | WoE | IV |', '|---|---|---|---|---|---|---|');
    for (const b of c.bins) lines.push(`| ${b.bin.replace(/\|/g, '\\|')} | ${b.count} | ${b.bad} | ${b.good} | ${f(b.bad_rate)} | ${f(b.woe)} | ${f(b.iv)} |`);
  }
  return `${lines.join('\n')}\n`;
}
