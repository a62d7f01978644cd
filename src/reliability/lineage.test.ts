import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { HAS_STATLOG, runCli, STATLOG, tmpHome } from '../test-support/helpers.js';
import { snapshotProject } from '../test-support/snapshot.js';

/**
 * Registered data cannot change under the registry: a processed file whose bytes differ from the sha256
 * recorded at ingest is refused wherever it is loaded, with one line naming the dataset, version and path.
 */
describe.skipIf(!HAS_STATLOG)('registered datasets are verified whenever they are loaded', () => {
  const home = tmpHome();
  const elsewhere = tmpHome();
  let processed = '';
  let original: Buffer;

  beforeAll(() => {
    expect(runCli(['ingest', STATLOG], { home }).status).toBe(0);
    expect(runCli(['train', '--headless', '--quick', '--families', 'logreg'], { home }).status).toBe(0);
    expect(runCli(['score', STATLOG, '-o', join(elsewhere, 'scored.csv'), '--log-predictions'], { home }).status).toBe(0);
    processed = join(home, 'data', 'processed', readdirSync(join(home, 'data', 'processed')).find((f) => f.endsWith('.parquet'))!);
    original = readFileSync(processed);
    // Another tool rewrites the registered file with altered rows (a shifted copy, valid Parquet, same schema).
    const altered = join(elsewhere, 'altered.parquet');
    expect(runCli(['shift', processed, altered, '--scale', 'duration=3'], { home }).status).toBe(0);
    copyFileSync(altered, processed);
  });

  it.each([
    ['train', ['train', '--headless', '--quick', '--families', 'logreg']],
    ['eda', ['eda']],
    ['fairness (the model\'s test rows)', ['fairness']],
    ['monitor (the champion\'s training data as reference)', ['monitor']],
    ['monitor --reference FILE', ['monitor', '--reference', 'PROCESSED']],
    ['drift naming the file', ['drift', 'PROCESSED', STATLOG]],
  ])('%s refuses the changed file with one line, and records nothing', (_label, args) => {
    const before = snapshotProject(home);
    const r = runCli(args.map((a) => a.replace('PROCESSED', processed)), { home });
    expect(r.status, r.stderr).toBe(1);
    const lines = r.stderr.trim().split('\n').filter((l) => !l.startsWith('hint') && !l.startsWith('  '));
    expect(lines.find((l) => l.includes('has changed since it was registered'))).toMatch(/dataset statlog_german@1 has changed since it was registered/);
    expect(r.stderr).toContain(processed);
    expect(snapshotProject(home)).toBe(before);
  });

  it('the same bytes restored are accepted again', () => {
    writeFileSync(processed, original);
    expect(runCli(['eda'], { home }).status).toBe(0);
    expect(runCli(['drift', processed, STATLOG], { home }).status).not.toBe(1);
  });
});
