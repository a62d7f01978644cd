import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { STATLOG_COLUMNS } from '../core/data/codebooks.js';
import { DEFAULT_PARAMS, type Params } from '../core/params/params.js';
import { STATLOG } from '../test-support/helpers.js';
import { ingestedProject, runTrain } from '../test-support/train.js';
import { openStore, type Project } from './project.js';
import { scoreFile } from './score.js';
import { scorecardOf, scorecardSqlOf } from './scorecard.js';

const base: Params = { ...DEFAULT_PARAMS, search: { ...DEFAULT_PARAMS.search, workers: 1 } };
/** The default pipeline (one-hot, standard scaling) and one whose bins map back through WoE codes and Yeo-Johnson. */
const PIPELINES: [string, Params][] = [
  ['one-hot, standard scaling', base],
  ['WoE encoding, Yeo-Johnson', { ...base, preprocessing: { ...base.preprocessing, encoding: 'woe', power_transform: true } }],
  // min–max scale: the worst possible applicant gets 0 points, the best 1,000 (base, odds and pdo unused).
  ['one-hot, min-max scale 0..1000', { ...base, scoring: { ...base.scoring, scale: 'minmax', min_points: 0, max_points: 1000 } }],
];

/** The Statlog rows as a scoring input: an id, then every column with its codes as in the file. */
function applicantsCsv(): { csv: string; rows: string[][]; header: string[] } {
  const lines = readFileSync(STATLOG, 'utf8').trim().split('\n');
  const header = ['id', ...STATLOG_COLUMNS.filter((c) => c.role !== 'target').map((c) => c.name)];
  const rows = lines.map((l, i) => [String(i + 1), ...l.trim().split(/\s+/).slice(0, header.length - 1)]);
  return { csv: `${[header, ...rows].map((r) => r.join(',')).join('\n')}\n`, rows, header };
}

describe.each(PIPELINES)('the scorecard family on Statlog (%s)', (_, params) => {
  let project: Project;
  let scored: Map<string, number>;
  /** score's output per id: decision and reason codes. */
  let outputs: Map<string, { decision: string; codes: string[] }>;
  const input = applicantsCsv();

  beforeAll(async () => {
    project = await ingestedProject(STATLOG);
    const { summary } = await runTrain(project, params, { families: ['scorecard'], quick: true, workers: 1 });
    expect(summary.champion.family).toBe('scorecard');
    const file = join(project.home, 'applicants.csv');
    writeFileSync(file, input.csv);
    const store = openStore(project);
    try {
      const gen = scoreFile(project, store, { input: file, output: join(project.home, 'scored.csv'), scale: params.scoring, workers: 1 });
      for (let r = await gen.next(); !r.done; r = await gen.next()) void r;
    } finally {
      store.close();
    }
    const out = readFileSync(join(project.home, 'scored.csv'), 'utf8').trim().split('\n');
    const head = out[0]!.split(',');
    // Reason texts may hold quoted commas; the id, score, decision and codes never do, so read from both ends.
    const rows = out.slice(1).map((l) => l.split(','));
    scored = new Map(rows.map((c) => [c[0]!, Number(c[3])]));
    const codes = head.filter((h) => h.startsWith('reason_code_')).length;
    outputs = new Map(rows.map((c) => [c[0]!, { decision: c[2]!, codes: c.slice(-codes).filter((x) => x !== '') }]));
    expect(codes).toBe(4);
  }, 120_000);

  it('the SQL export gives every applicant exactly the points score gives, in SQLite, with codes or labels', () => {
    const store = openStore(project);
    const report = scorecardOf(store, params);
    const sql = scorecardSqlOf(report);
    store.close();
    const db = new Database(':memory:');
    const numeric = new Set(STATLOG_COLUMNS.filter((c) => c.role === 'numeric').map((c) => c.name));
    const types = input.header.map((h) => `"${h}" ${h === 'id' || !numeric.has(h) ? 'TEXT' : 'REAL'}`);
    db.exec(`CREATE TABLE applicants (${types.join(', ')})`);
    const insert = db.prepare(`INSERT INTO applicants VALUES (${input.header.map(() => '?').join(', ')})`);
    const load = (rows: string[][]): void => {
      db.exec('DELETE FROM applicants');
      db.transaction(() => rows.forEach((r) => insert.run(...r.map((v, j) => (numeric.has(input.header[j]!) ? Number(v) : v)))))();
    };
    const check = (): void => {
      const result = db.prepare(sql).all() as Record<string, number | string>[];
      expect(result.length).toBe(1000);
      for (const r of result) {
        expect(r['points'], `applicant ${r['id']}`).toBe(scored.get(String(r['id'])));
        const parts = report.table.characteristics.reduce((s, c) => s + (r[`${c.characteristic}_points`] as number), 0);
        const lo = report.table.scale.min_points ?? 300;
        const hi = report.table.scale.max_points ?? 850;
        expect(r['points']).toBe(Math.min(hi, Math.max(lo, Math.round(parts))));
        // On a min–max scale no total needs the clamp: every one lies in [min_points, max_points].
        if (params.scoring.scale === 'minmax') {
          expect(parts).toBeGreaterThanOrEqual(lo - 1e-9);
          expect(parts).toBeLessThanOrEqual(hi + 1e-9);
        }
      }
    };
    if (params.scoring.scale === 'minmax') {
      // The scale's ends are the table's: every characteristic in its worst bin adds up to min_points, in its best to max_points.
      const sum = (pick: (xs: number[]) => number) => report.table.characteristics.reduce((s, c) => s + pick([...c.bins.map((b) => b.points), c.unknown_points]), 0);
      expect(sum((xs) => Math.min(...xs))).toBeCloseTo(params.scoring.min_points, 9);
      expect(sum((xs) => Math.max(...xs))).toBeCloseTo(params.scoring.max_points, 9);
    }
    load(input.rows);
    check();
    // Reasons of every declined applicant: the characteristics that lost most points against their best bin,
    // at most four, worked out here from the query's own per-characteristic points.
    const best = new Map(report.table.characteristics.map((c) => [c.characteristic, Math.max(...c.bins.map((b) => b.points))]));
    let declined = 0;
    for (const r of db.prepare(sql).all() as Record<string, number | string>[]) {
      const o = outputs.get(String(r['id']))!;
      if (o.decision !== 'decline') continue;
      declined++;
      const lost = [...best].map(([c, top]) => [c, top - (r[`${c}_points`] as number)] as const).filter(([, l]) => l > 1e-9);
      lost.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
      expect(o.codes, `applicant ${r['id']}`).toEqual(lost.slice(0, 4).map(([c]) => c));
    }
    expect(declined).toBeGreaterThan(100);
    // Decoded labels in place of the codes give the same points.
    const labels = input.rows.map((r) => r.map((v, j) => STATLOG_COLUMNS.find((c) => c.name === input.header[j])?.codes?.[v] ?? v));
    load(labels);
    check();
    // The score really varies across applicants: the test is not passing on one constant.
    expect(new Set(scored.values()).size).toBeGreaterThan(50);
  });

  it('bins each characteristic with WoE ordered by its trend and points that follow the WoE', () => {
    const store = openStore(project);
    const report = scorecardOf(store, params);
    store.close();
    expect(report.table.characteristics.length).toBeGreaterThan(3);
    for (const c of report.table.characteristics) {
      // A negative coefficient on WoE (higher WoE = safer) means more points for a safer bin.
      expect(c.coefficient).toBeLessThan(0);
      const byWoe = [...c.bins].sort((a, b) => a.woe - b.woe);
      for (let i = 1; i < byWoe.length; i++) expect(byWoe[i]!.points).toBeGreaterThanOrEqual(byWoe[i - 1]!.points);
    }
    const checking = report.table.characteristics.find((c) => c.characteristic === 'checking_status');
    expect(checking?.bins.flatMap((b) => b.levels ?? []).sort()).toEqual(['< 0 DM', '0 to 200 DM', '>= 200 DM', 'no checking account'].sort());
  });
});
