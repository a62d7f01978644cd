import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, tmpHome } from '../test-support/helpers.js';

/**
 * `npm install` as a new user runs it, from the committed package.json, package-lock.json and .npmrc (if
 * any), on this Node: a dry run resolves the whole tree from the lockfile and prints the same engine and
 * config warnings a real install does, in seconds and without writing node_modules.
 */
function dryInstall(): { status: number | null; output: string } {
  const dir = tmpHome('credit-tui-npm-');
  for (const f of ['package.json', 'package-lock.json', '.npmrc']) if (existsSync(join(REPO_ROOT, f))) copyFileSync(join(REPO_ROOT, f), join(dir, f));
  // Settings inherited from an enclosing `npm test` would hide or add warnings: the user's shell has none.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
  const r = spawnSync('npm', ['install', '--dry-run', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: dir, env, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, output: `${r.stdout}\n${r.stderr}` };
}

describe('npm install prints nothing a user cannot act on', () => {
  it('no EBADENGINE on the Node the README asks for, and no other npm warning', () => {
    const { status, output } = dryInstall();
    expect(status, output).toBe(0);
    expect(output).not.toMatch(/EBADENGINE/);
    expect(output.split('\n').filter((l) => /^npm warn/i.test(l))).toEqual([]);
  });

  it('the lockfile holds no package that declares a Node the README does not promise', () => {
    const lock = JSON.parse(readFileSync(join(REPO_ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { engines?: { node?: string } }> };
    const wants22 = Object.entries(lock.packages).filter(([, p]) => /^>=\s*2[2-9]/.test(p.engines?.node ?? '')).map(([k]) => k);
    expect(wants22).toEqual([]);
  });

  it('install scripts are all reviewed: onnxruntime-node\'s CUDA download is denied in allowScripts, not by a .npmrc key npm does not know', () => {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { allowScripts: Record<string, boolean> };
    expect(pkg.allowScripts).toMatchObject({ 'better-sqlite3': true, esbuild: true, 'onnxruntime-node': false });
    const npmrc = existsSync(join(REPO_ROOT, '.npmrc')) ? readFileSync(join(REPO_ROOT, '.npmrc'), 'utf8') : '';
    expect(npmrc).not.toMatch(/onnxruntime-node-install/);
  });
});
