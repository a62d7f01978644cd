import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { HAS_STATLOG, runCli, STATLOG, tmpHome } from '../test-support/helpers.js';
import { snapshotProject } from '../test-support/snapshot.js';

describe.skipIf(!HAS_STATLOG)('paths, names and SQL', () => {
  const home = tmpHome();
  beforeAll(() => {
    expect(runCli(['ingest', STATLOG], { home }).status).toBe(0);
    expect(runCli(['train', '--headless', '--quick', '--families', 'logreg'], { home }).status).toBe(0);
  });

  it.each([
    ['a dataset name that escapes data/', ['ingest', STATLOG, '--name', '../../etc/x'], /invalid dataset name/],
    ['a dataset name with SQL in it', ['ingest', STATLOG, '--name', "x'; DROP TABLE runs;--"], /invalid dataset name/],
    ['scoring over its own input', ['score', STATLOG, '-o', STATLOG], /would overwrite the input file/],
    ['scoring over the run store', ['score', STATLOG, '-o', 'RUNSDB'], /overwrite the run store|unsupported output type/],
    ['scoring into data/', ['score', STATLOG, '-o', 'DATA/processed/x.csv'], /may not be written into the project's data\/ or models\//],
    ['scoring into models/', ['score', STATLOG, '-o', 'MODELS/x.csv'], /may not be written into/],
    ['a drift report over an input', ['drift', STATLOG, STATLOG, '--report', STATLOG], /\.md file|overwrite an input/],
  ])('refuses %s, changing nothing', (_label, args, pattern) => {
    const resolved = args.map((a) => a.replace('RUNSDB', join(home, 'runs.db')).replace('DATA', join(home, 'data')).replace('MODELS', join(home, 'models')));
    const before = snapshotProject(home);
    const r = runCli(resolved, { home });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(pattern);
    expect(snapshotProject(home)).toBe(before);
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
