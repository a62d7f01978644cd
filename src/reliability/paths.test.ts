import { copyFileSync, mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { HAS_STATLOG, runCli, STATLOG, tmpHome } from '../test-support/helpers.js';
import { snapshotProject } from '../test-support/snapshot.js';

/** The guard's message for the folders whose files the registry vouches for. */
const GUARDED_DIRS = /may not be written into the project's data\/, models\/ or outputs\/predictions\//;

describe.skipIf(!HAS_STATLOG)('paths, names and SQL', () => {
  const home = tmpHome();
  // A data file whose name ends in .md, so the report check passes the extension rule and meets the input guard.
  const mdInput = join(tmpHome(), 'applicants.md');
  const link = join(tmpHome(), 'into-data');
  const processed = (): string => join(home, 'data', 'processed', readdirSync(join(home, 'data', 'processed')).find((f) => f.endsWith('.parquet'))!);
  beforeAll(() => {
    copyFileSync(STATLOG, mdInput);
    expect(runCli(['ingest', STATLOG], { home }).status).toBe(0);
    expect(runCli(['train', '--headless', '--quick', '--families', 'logreg'], { home }).status).toBe(0);
    mkdirSync(join(home, 'outputs', 'predictions'), { recursive: true });
    symlinkSync(join(home, 'data'), link);
  });

  it.each([
    ['a dataset name that escapes data/', ['ingest', STATLOG, '--name', '../../etc/x'], /invalid dataset name/],
    ['a dataset name with SQL in it', ['ingest', STATLOG, '--name', "x'; DROP TABLE runs;--"], /invalid dataset name/],
    ['scoring over its own input', ['score', STATLOG, '-o', STATLOG], /would overwrite the input file/],
    ['scoring over the run store', ['score', STATLOG, '-o', 'RUNSDB'], /output would overwrite the run store/],
    ['scoring over the WAL of the run store', ['score', STATLOG, '-o', 'RUNSDB-wal'], /output would overwrite the run store/],
    ['scoring into data/', ['score', STATLOG, '-o', 'DATA/processed/x.csv'], GUARDED_DIRS],
    ['scoring into models/', ['score', STATLOG, '-o', 'MODELS/x.csv'], GUARDED_DIRS],
    ['scoring into the prediction log', ['score', STATLOG, '-o', 'PREDICTIONS/x.csv'], GUARDED_DIRS],
    ['scoring through a symbolic link into data/', ['score', STATLOG, '-o', 'LINK/processed/x.csv'], GUARDED_DIRS],
    ['a shift over a registered dataset', ['shift', STATLOG, 'PROCESSED', '--scale', 'duration=3'], GUARDED_DIRS],
    ['a shift over the raw copy', ['shift', STATLOG, 'DATA/raw/x.csv'], GUARDED_DIRS],
    ['a shift over the SHM of the run store', ['shift', STATLOG, 'RUNSDB-shm'], /output would overwrite the run store/],
    ['a shift over its own input', ['shift', 'MDINPUT', 'MDINPUT'], /would overwrite the input file/],
    ['an export into models/', ['export', '-o', 'MODELS/m.onnx'], GUARDED_DIRS],
    ['a drift report that is not Markdown', ['drift', STATLOG, STATLOG, '--report', STATLOG], /the report must be a \.md file/],
    ['a drift report over an input', ['drift', 'MDINPUT', STATLOG, '--report', 'MDINPUT'], /would overwrite the input file/],
    ['a drift report into data/raw', ['drift', STATLOG, STATLOG, '--report', 'DATA/raw/r.md'], GUARDED_DIRS],
    ['a fairness report into models/', ['fairness', '--report', 'MODELS/f.md'], GUARDED_DIRS],
    ['a monitor report into the prediction log', ['monitor', '--report', 'PREDICTIONS/m.md'], GUARDED_DIRS],
  ])('refuses %s, changing nothing', (_label, args, pattern) => {
    const resolved = args.map((a) =>
      a.replace('RUNSDB', join(home, 'runs.db')).replace('PROCESSED', processed()).replace('PREDICTIONS', join(home, 'outputs', 'predictions'))
        .replace('DATA', join(home, 'data')).replace('MODELS', join(home, 'models')).replace('MDINPUT', mdInput).replace('LINK', link));
    const before = snapshotProject(home);
    const r = runCli(resolved, { home });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(pattern);
    expect(snapshotProject(home)).toBe(before);
  });

  it('names that pass validation may hold SQL wildcards: dataset lookups stay exact', () => {
    expect(runCli(['ingest', STATLOG, '--name', 'abxc'], { home }).status).toBe(0);
    // As a LIKE pattern 'ab_c' would find 'abxc'; an exact lookup must not.
    const miss = runCli(['eda', 'ab_c'], { home });
    expect(miss.status).toBe(1);
    expect(miss.stderr).toContain("no dataset 'ab_c'");
    expect(runCli(['eda', 'abxc'], { home }).status).toBe(0);
    expect(runCli(['ingest', STATLOG, '--name', 'a%b'], { home }).stderr).toMatch(/invalid dataset name "a%b"/);
  });

  it('run id prefixes match literally: an _ in the prefix is not a wildcard', () => {
    const id = (JSON.parse(runCli(['runs', 'list', '--json', '--limit', '1'], { home }).stdout) as { run_id: string }[])[0]!.run_id;
    expect(runCli(['runs', 'show', id.slice(0, 8)], { home }).status).toBe(0);
    // The same prefix with one character replaced by '_' would match this run under an unescaped LIKE.
    const wildcard = `${id.slice(0, 3)}_${id.slice(4, 8)}`;
    const r = runCli(['runs', 'show', wildcard], { home });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`no run with id '${wildcard}'`);
  });

  it('run id lookups treat SQL wildcards literally', () => {
    const r = runCli(['runs', 'show', '%'], { home });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("no run with id '%'");
    const quote = runCli(['runs', 'show', "' OR 1=1 --"], { home });
    expect(quote.status).toBe(1);
    expect(quote.stderr).toContain('no run with id');
  });
});
