import { writeFileSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { HAS_REAL_DATA, KAGGLE, runCli, STATLOG, tmpHome } from '../test-support/helpers.js';

describe.skipIf(!HAS_REAL_DATA)('credit-tui drift and shift as processes', () => {
  const home = tmpHome();
  const ref = join(home, 'ref.parquet');

  beforeAll(() => {
    expect(runCli(['shift', STATLOG, ref], { home }).status).toBe(0); // no shifts: a typed copy
  });

  it('identical inputs: no drift, exit 0, every PSI 0', () => {
    const r = runCli(['drift', ref, STATLOG, '--json'], { home });
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout) as { dataset_drift: boolean; drift_share: number; columns: { column: string; psi: number; drifted: boolean; ks_p: number | null; chi2_p: number | null }[] };
    expect(j.dataset_drift).toBe(false);
    expect(j.drift_share).toBe(0);
    expect(j.columns).toHaveLength(20);
    for (const c of j.columns) {
      expect(c.psi).toBe(0);
      expect(c.drifted).toBe(false);
    }
    expect(Object.keys(j.columns[0]!)).toEqual(expect.arrayContaining(['column', 'kind', 'test', 'ks_stat', 'ks_p', 'psi', 'wasserstein', 'chi2', 'chi2_p', 'js_distance', 'miss_ref', 'miss_cur', 'drifted']));
  });

  it('an obvious shift in most columns: dataset drift, exit 3, Markdown report, recorded run', () => {
    const cur = join(home, 'cur.parquet');
    const args = ['shift', ref, cur, '--seed', '3', '--reweight', 'checking_status=< 0 DM:6', '--blank', 'savings=0.3', '--blank', 'employment=0.3', '--blank', 'personal_status=0.3'];
    for (const c of ['other_debtors', 'property', 'other_plans', 'housing', 'job', 'telephone', 'foreign_worker', 'purpose', 'credit_history']) args.push('--blank', `${c}=0.25`);
    args.push('--scale', 'credit_amount=2', '--offset', 'age=15', '--offset', 'duration=12');
    expect(runCli(args, { home }).status).toBe(0);
    const report = join(home, 'drift.md');
    const r = runCli(['drift', ref, cur, '--report', report], { home });
    expect(r.status).toBe(3);
    expect(r.stdout).toMatch(/DATASET DRIFT/);
    expect(r.stdout).toMatch(/credit_amount: KS p=/);
    expect(readFileSync(report, 'utf8')).toContain('verdict: **dataset drift**');
    const runs = JSON.parse(runCli(['runs', 'list', '--experiment', 'drift', '--json'], { home }).stdout) as { metrics: Record<string, number> }[];
    expect(runs[0]!.metrics['dataset_drift']).toBe(1);
    expect(runs[0]!.metrics['credit_amount.ks_p']).toBeLessThan(1e-10);
  });

  it('a category reweighting alone is caught by chi-squared on that column', () => {
    const cur = join(home, 'rew.parquet');
    expect(runCli(['shift', ref, cur, '--reweight', 'purpose=business:5', '--seed', '1'], { home }).status).toBe(0);
    const j = JSON.parse(runCli(['drift', ref, cur, '--json'], { home }).stdout) as { columns: { column: string; drifted: boolean; test: string; chi2_p: number }[] };
    const purpose = j.columns.find((c) => c.column === 'purpose')!;
    expect(purpose.test).toBe('chi2');
    expect(purpose.drifted).toBe(true);
    expect(purpose.chi2_p).toBeLessThan(1e-6);
  });

  it('added missing values flag the column by themselves', () => {
    const cur = join(home, 'blank.parquet');
    expect(runCli(['shift', ref, cur, '--blank', 'age=0.3'], { home }).status).toBe(0);
    const j = JSON.parse(runCli(['drift', ref, cur, '--json'], { home }).stdout) as { columns: { column: string; drifted: boolean; miss_cur: number; reason: string }[] };
    const age = j.columns.find((c) => c.column === 'age')!;
    expect(age.miss_cur).toBeCloseTo(0.3, 12);
    expect(age.drifted).toBe(true);
    expect(age.reason).toContain('missing share 0.0% -> 30.0%');
  });

  it('two Parquet files read on two threads give the same report as one after the other; a bad reference is reported first', () => {
    const cur = join(home, 'cur.parquet');
    if (!existsSync(cur)) expect(runCli(['shift', ref, cur, '--seed', '3', '--scale', 'credit_amount=2', '--blank', 'age=0.2'], { home }).status).toBe(0);
    const strip = (out: string): unknown => ({ ...(JSON.parse(out) as Record<string, unknown>), run_id: null });
    const paired = runCli(['drift', ref, cur, '--json'], { home, env: { CREDIT_TUI_PARALLEL_PARQUET_BYTES: '0' } });
    const sequential = runCli(['drift', ref, cur, '--json'], { home, env: { CREDIT_TUI_PARALLEL_PARQUET_BYTES: String(1 << 30) } });
    expect(paired.status).toBe(sequential.status);
    expect(strip(paired.stdout)).toEqual(strip(sequential.stdout));
    expect((JSON.parse(paired.stdout) as { columns: unknown[] }).columns).toHaveLength(20);
    // The reference's error is raised on the worker thread and reported as the sequential path reports it.
    const env = (bytes: number): { home: string; env: Record<string, string> } => ({ home, env: { CREDIT_TUI_PARALLEL_PARQUET_BYTES: String(bytes) } });
    const onWorker = runCli(['drift', ref, cur, '--target', 'nope', '--json'], env(0));
    const inline = runCli(['drift', ref, cur, '--target', 'nope', '--json'], env(1 << 30));
    expect(onWorker.status).toBe(1);
    expect(onWorker.stderr).toBe(inline.stderr);
    expect(onWorker.stderr).toMatch(/^error: .*ref\.parquet, column 'nope': missing target column 'nope'\n$/);
    // A truncated reference fails before any thread starts, with the same one line.
    const broken = join(home, 'broken.parquet');
    writeFileSync(broken, readFileSync(ref).subarray(0, 2000));
    const r = runCli(['drift', broken, cur, '--json'], env(0));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^error: .*broken\.parquet: not a readable Parquet file[^\n]*\n$/);
  });

  it('a large CSV is streamed into per-column counts and gives the same numbers as the in-memory path', () => {
    const csv = join(home, 'codes.csv');
    const names = 'checking_status,duration,credit_history,purpose,credit_amount,savings,employment,installment_rate,personal_status,other_debtors,residence_since,property,age,other_plans,housing,existing_credits,job,num_dependents,telephone,foreign_worker,class';
    const rows = readFileSync(STATLOG, 'utf8').trim().split('\n').map((l) => l.trim().split(/\s+/).join(','));
    writeFileSync(csv, `${names}\n${rows.map((r, i) => (i % 9 === 0 ? r.replace(/^(([^,]*,){12})[^,]*/, '$1') : r)).join('\n')}\n`);
    const inMemory = runCli(['drift', ref, csv, '--json'], { home });
    const lazy = runCli(['drift', ref, csv, '--json'], { home, env: { CREDIT_TUI_STREAM_CSV_BYTES: '0' } });
    expect(lazy.status).toBe(inMemory.status);
    type Col = Record<string, unknown> & { column: string; psi: number; miss_cur: number; drifted: boolean };
    const a = (JSON.parse(inMemory.stdout) as { columns: Col[] }).columns;
    const b = (JSON.parse(lazy.stdout) as { columns: Col[] }).columns;
    expect(b.map((c) => c.column)).toEqual(a.map((c) => c.column));
    b.forEach((c, i) => {
      for (const k of ['psi', 'miss_ref', 'miss_cur', 'ks_stat', 'ks_p', 'wasserstein', 'wasserstein_normed', 'chi2', 'chi2_p', 'js_distance']) {
        const [x, y] = [c[k], a[i]![k]];
        if (typeof y === 'number') expect(x, `${c.column}.${k}`).toBeCloseTo(y, 12);
        else expect(x, `${c.column}.${k}`).toBe(y);
      }
      expect(c.drifted).toBe(a[i]!.drifted);
      expect(c['test']).toBe(a[i]!['test']);
    });
    expect(b.find((c) => c.column === 'age')!.miss_cur).toBeCloseTo(112 / 1000, 12);
    expect(b.find((c) => c.column === 'checking_status')!.psi).toBe(0); // codes decoded like the in-memory path
  });

  it('a column with more distinct numbers than the token limit spills and still equals the in-memory path; ids are not compared', () => {
    const names = 'id,checking_status,duration,credit_history,purpose,credit_amount,savings,employment,installment_rate,personal_status,other_debtors,residence_since,property,age,other_plans,housing,existing_credits,job,num_dependents,telephone,foreign_worker,class';
    const rows = readFileSync(STATLOG, 'utf8').trim().split('\n').map((l) => l.trim().split(/\s+/));
    const write = (path: string, scale: number): void => {
      const out: string[] = [names];
      for (let i = 0; i < 150_000; i++) {
        const t = [...rows[i % 1000]!];
        t[4] = (Number(t[4]) * scale + Math.floor(i / 1000) / 1000).toFixed(3); // ~138k distinct amounts
        out.push(`${i + 1},${t.join(',')}`);
      }
      writeFileSync(path, out.join('\n') + '\n');
    };
    const [a, b] = [join(home, 'wide-ref.csv'), join(home, 'wide-cur.csv')];
    write(a, 1);
    write(b, 1.02);
    const inMemory = runCli(['drift', a, b, '--json'], { home, env: { CREDIT_TUI_STREAM_CSV_BYTES: String(1 << 30) } });
    const streamed = runCli(['drift', a, b, '--json'], { home, env: { CREDIT_TUI_STREAM_CSV_BYTES: '0' } });
    expect(streamed.status, streamed.stderr).toBe(inMemory.status);
    type Col = Record<string, unknown> & { column: string };
    type Report = { reference: { read: string }; current: { read: string }; columns: Col[] };
    const mem = JSON.parse(inMemory.stdout) as Report;
    const str = JSON.parse(streamed.stdout) as Report;
    // The two paths really differ: one held the files in memory, the other streamed them and spilled the amounts.
    expect([mem.reference.read, mem.current.read]).toEqual(['in memory', 'in memory']);
    for (const side of [str.reference, str.current]) expect(side.read).toBe('streamed; spilled to disk: credit_amount');
    const [x, y] = [mem.columns, str.columns];
    expect(y.map((c) => c.column)).toEqual(x.map((c) => c.column));
    expect(y.map((c) => c.column)).not.toContain('id');
    expect(y).toHaveLength(20);
    for (const [i, c] of y.entries()) {
      for (const k of ['psi', 'miss_ref', 'miss_cur', 'ks_stat', 'ks_p', 'wasserstein', 'wasserstein_normed', 'chi2', 'chi2_p', 'js_distance', 'test', 'drifted']) {
        const [got, want] = [c[k], x[i]![k]];
        if (typeof want === 'number') expect(got, `${c.column}.${k}`).toBeCloseTo(want, 12);
        else expect(got, `${c.column}.${k}`).toBe(want);
      }
    }
    expect(y.find((c) => c.column === 'credit_amount')!['ks_stat']).toBeGreaterThan(0);
  });

  it('schema mismatches are one clear line and exit 1; extra columns are listed and ignored', () => {
    const finishedDrifts = (): number => (JSON.parse(runCli(['runs', 'list', '--experiment', 'drift', '--json', '--limit', '1000'], { home }).stdout) as { status: string }[]).filter((x) => x.status === 'FINISHED').length;
    const finishedBefore = finishedDrifts();
    const missing = join(home, 'missing.csv');
    writeFileSync(missing, 'duration,age\n12,30\n24,40\n');
    const r = runCli(['drift', ref, missing], { home });
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toMatch(/^error: .*missing\.csv, column 'checking_status': missing column 'checking_status' \(present in .*ref\.parquet\)/);
    const kaggle = runCli(['drift', KAGGLE, ref], { home });
    expect(kaggle.status).toBe(1);
    expect(kaggle.stderr).toContain("missing column 'Age'");
    const typed = join(home, 'typed.csv');
    const lines = readFileSync(STATLOG, 'utf8').trim().split('\n').slice(0, 50).map((l) => l.trim().split(/\s+/));
    const header = 'checking_status,duration,credit_history,purpose,credit_amount,savings,employment,installment_rate,personal_status,other_debtors,residence_since,property,age,other_plans,housing,existing_credits,job,num_dependents,telephone,foreign_worker,class,extra';
    writeFileSync(typed, `${header}\n${lines.map((t, i) => [...t.slice(0, 20).map((v, j) => (j === 12 && i === 3 ? 'old' : v)), t[20] === '2' ? 'bad' : 'good', 'x'].join(',')).join('\n')}\n`);
    const mismatch = runCli(['drift', ref, typed], { home });
    expect(mismatch.status).toBe(1);
    // A known layout is typed by its codebook, so the stray word is reported where it stands.
    expect(mismatch.stderr).toMatch(/typed\.csv, row 5, column 'age': non-numeric value "old" in numeric column/);
    const generic = join(home, 'generic-ref.csv');
    const genericCur = join(home, 'generic-cur.csv');
    writeFileSync(generic, `amount,region\n${Array.from({ length: 30 }, (_, i) => `${i * 10},r${i % 3}`).join('\n')}\n`);
    writeFileSync(genericCur, `amount,region\n${Array.from({ length: 30 }, (_, i) => `${i % 2 ? 'high' : 'low'},r${i % 3}`).join('\n')}\n`);
    const typeMismatch = runCli(['drift', generic, genericCur], { home });
    expect(typeMismatch.status).toBe(1);
    expect(typeMismatch.stderr).toContain("column 'amount' is numeric in");
    // Refused comparisons record no finished drift run.
    expect(finishedDrifts()).toBe(finishedBefore);
  });
});
