import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { paramsTemplate } from '../core/params/template.js';
import { REPO_ROOT, runCli, tmpHome } from '../test-support/helpers.js';
import { buildProgram } from './main.js';

/**
 * Checks one command line as the docs write it (`credit-tui runs list|show ID [--diff]`, placeholders and
 * all) against the real commander program: every subcommand it names exists, and every option it names is
 * an option of that command or a global one. Returns what does not exist.
 */
function missing(program: Command, line: string): string[] {
  const words = line.replace(/\\\|/g, '|').replace(/^(\.\/bin\/)?credit-tui\b/, '').trim();
  const globalFlags = new Set(program.options.flatMap((o) => [o.long, o.short]).filter(Boolean));
  const problems: string[] = [];
  const check = (cmd: Command, rest: string, path: string): void => {
    const flagsOf = new Set([...globalFlags, ...cmd.options.flatMap((o) => [o.long, o.short]).filter(Boolean), '--help', '-h']);
    const first = /^[a-z][a-z-]*/.exec(rest)?.[0];
    if (cmd === program && first !== undefined) {
      const sub = cmd.commands.find((c) => c.name() === first || c.aliases().includes(first));
      if (!sub) problems.push(`${line}: no command '${first}'`);
      else check(sub, rest.slice(first.length).trim(), first);
      return;
    }
    if (cmd.commands.length > 0 && first !== undefined) {
      // `list|show ID|compare A B`: each alternative begins with a subcommand of its own.
      for (const alt of rest.split('|')) {
        const name = /^\s*([a-z][a-z-]*)/.exec(alt)?.[1];
        if (name === undefined) {
          problems.push(`${line}: '${alt.trim()}' is no subcommand of ${path}`);
          continue;
        }
        const sub = cmd.commands.find((c) => c.name() === name || c.aliases().includes(name));
        if (!sub) problems.push(`${line}: no command '${path} ${name}'`);
        else check(sub, alt.trim().slice(name.length).trim(), `${path} ${name}`);
      }
      return;
    }
    for (const m of rest.matchAll(/(?:^|[\s[])(--?[a-zA-Z][a-zA-Z-]*)/g)) {
      if (!flagsOf.has(m[1]!)) problems.push(`${line}: '${path}' has no option ${m[1]}`);
    }
  };
  check(program, words, 'credit-tui');
  return problems;
}

const README = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');

/** Every command line the README names: code spans and code-block lines that start with credit-tui, and the commands table's first column. */
function readmeCommands(): string[] {
  const lines = new Set<string>();
  for (const m of README.matchAll(/`((?:\.\/bin\/)?credit-tui(?: [^`]*)?)`/g)) lines.add(m[1]!);
  for (const m of README.matchAll(/^(?: {4}|\t)\s*(?:\$ )?((?:\.\/bin\/)?credit-tui\b[^#\n]*)/gm)) lines.add(m[1]!.trim());
  const table = README.slice(README.indexOf('## Commands'), README.indexOf('\n## ', README.indexOf('## Commands') + 5));
  for (const row of table.split('\n').filter((l) => l.startsWith('| `'))) {
    const first = row.slice(1).split(/(?<!\\)\|/)[0]!;
    for (const m of first.matchAll(/`([^`]+)`/g)) lines.add(m[1]!.startsWith('credit-tui') ? m[1]! : `credit-tui ${m[1]!}`);
  }
  return [...lines];
}

describe('every command the docs name exists', () => {
  it('the README: its commands table, code spans and code blocks', () => {
    const program = buildProgram();
    const named = readmeCommands();
    expect(named.length).toBeGreaterThan(30);
    expect(named).toContain('credit-tui params [--json]');
    expect(named.flatMap((l) => missing(program, l))).toEqual([]);
  });

  it('the generated params.yaml', () => {
    const program = buildProgram();
    // Quoted ('credit-tui datasets') or introduced by a colon (Validate with: credit-tui …); not prose.
    const named = [...paramsTemplate().matchAll(/(?:['`]|: )(credit-tui [a-z][^'`\n]*)/g)].map((m) => m[1]!.trim());
    expect(named).toContain('credit-tui params --check');
    expect(named).toContain('credit-tui datasets');
    expect(named.flatMap((l) => missing(program, l))).toEqual([]);
  });

  it('the checker itself catches a missing option and a missing subcommand', () => {
    const program = buildProgram();
    expect(missing(program, 'credit-tui params --frobnicate')).toHaveLength(1);
    expect(missing(program, 'credit-tui runs list|erase ID')).toHaveLength(1);
    expect(missing(program, 'credit-tui models list|promote VERSION [--alias A]')).toEqual([]);
  });

  it('`params --check` validates: one line and exit 0 for a good file, the error and exit 1 for a bad one', () => {
    const home = tmpHome();
    expect(runCli(['init'], { home }).status).toBe(0);
    const ok = runCli(['params', '--check'], { home });
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    expect(ok.stdout.trim()).toBe(`${join(home, 'params.yaml')}: valid`);
    writeFileSync(join(home, 'params.yaml'), 'split:\n  test_size: 1.5\n');
    const bad = runCli(['params', '--check'], { home });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain("'split.test_size'");
  });
});
