import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { HAS_STATLOG, runCli, STATLOG, tmpHome } from '../test-support/helpers.js';
import { snapshotProject } from '../test-support/snapshot.js';

describe.skipIf(!HAS_STATLOG)('paths, names and SQL', () => {
  const home = tmpHome();
  // A data file whose name ends in .md, so the report check passes the extension rule and meets the input guard.
  const mdInput = join(tmpHome(), 'applicants.md');
  beforeAll(() => {
    copyFileSync(STATLOG, mdInput);
    expect(runCli(['ingest', STATLOG], { home }).status).toBe(0);
    expect(runCli(['train', '--headless', '--quick', '--families', 'logreg'], { home }).status).toBe(0);
  });

  it.each([
    ['a dataset name that escapes data/', ['ingest', STATLOG, '--name', '../../etc/x'], /invalid dataset name/],
    ['a dataset name with SQL in it', ['ingest', STATLOG, '--name', "x'; DROP TABLE runs;--"], /invalid dataset name/],
    ['scoring over its own input', ['score', STATLOG, '-o', STATLOG], /would overwrite the input file/],
    ['scoring over the run store', ['score', STATLOG, '-o', 'RUNSDB'], /output would overwrite the run store/],
    ['scoring over the WAL of the run store', ['score', STATLOG, '-o', 'RUNSDB-wal'], /output would overwrite the run store/],
    ['scoring into data/', ['score', STATLOG, '-o', 'DATA/processed/x.csv'], /may not be written into the project's data\/ or models\//],
    ['scoring into models/', ['score', STATLOG, '-o', 'MODELS/x.csv'], /may not be written into/],
    ['a drift report that is not Markdown', ['drift', STATLOG, STATLOG, '--report', STATLOG], /the report must be a \.md file/],
    ['a drift report over an input', ['drift', 'MDINPUT', STATLOG, '--report', 'MDINPUT'], /the report would overwrite an input file/],
  ])('refuses %s, changing nothing', (_label, args, pattern) => {
    const resolved = args.map((a) => a.replace('RUNSDB', join(home, 'runs.db')).replace('DATA', join(home, 'data')).replace('MODELS', join(home, 'models')).replace('MDINPUT', mdInput));
    const before = snapshotProject(home);
    const r = runCli(resolved, { home });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(pattern);
    expect(snapshotProject(home)).toBe(before);
  });

  it('names that pass validation may hold SQL wildcards and quotes-free tricks: lookups stay exact', () => {
    expect(runCli(['ingest', STATLOG, '--name', 'ab_c'], { home }).status).toBe(0);
    // 'a_bxc' would match 'ab_c' only if '_' were a LIKE wildcard; '%' is refused by name validation.
    const miss = runCli(['eda', 'abxc'], { home });
    expect(miss.status).toBe(1);
    expect(miss.stderr).toMatch(/abxc/);
    expect(runCli(['eda', 'ab_c'], { home }).status).toBe(0);
    expect(runCli(['ingest', STATLOG, '--name', 'a%b'], { home }).stderr).toMatch(/invalid dataset name "a%b"/);
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
