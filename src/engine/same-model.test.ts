import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, STATLOG, tmpHome } from '../test-support/helpers.js';

const versions = (home: string): { version: number; aliases: string[] }[] => JSON.parse(runCli(['models', 'list', '--json'], { home }).stdout) as { version: number; aliases: string[] }[];

describe('a rerun of the same training resolves to the existing version', () => {
  it('same data, params, code and seed: no new version and it says so; --force registers anew; another seed is another model', () => {
    const home = tmpHome();
    const args = ['train', '--headless', '--quick', '--families', 'logreg'];
    expect(runCli(['ingest', STATLOG], { home }).status).toBe(0);
    const first = runCli(args, { home });
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/-> model version 1,/);

    const again = runCli(args, { home });
    expect(again.status).toBe(0);
    expect(again.stdout).toMatch(/-> model version 1,/);
    expect(again.stdout).toMatch(/same data sha256, params, code and seed as v1, which holds this exact model: no new version registered/);
    expect(versions(home).map((v) => v.version)).toEqual([1]);
    expect(versions(home)[0]!.aliases).toContain('champion');
    // No second bundle was left behind.
    expect(readdirSync(join(home, 'models')).filter((f) => f.endsWith('.json'))).toHaveLength(1);

    const forced = runCli([...args, '--force'], { home });
    expect(forced.status).toBe(0);
    expect(forced.stdout).toMatch(/-> model version 2,/);
    expect(versions(home).map((v) => v.version).sort()).toEqual([1, 2]);

    writeFileSync(join(home, 'params.yaml'), 'seed: 7\n');
    const otherSeed = runCli(args, { home });
    expect(otherSeed.status).toBe(0);
    expect(otherSeed.stdout).toMatch(/-> model version 3,/);
  });
});
