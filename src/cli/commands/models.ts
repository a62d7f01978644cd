import type { Command } from 'commander';
import { UserError } from '../../core/errors.js';
import { REGISTERED_MODEL } from '../../core/registry/bundle.js';
import { FOUR_FIFTHS, verdictLine, type AttributeFigures } from '../../core/fairness/audit.js';
import { storedUsefulness } from '../../core/metrics/classification.js';
import type { ReliabilityBin } from '../../core/decision/calibration.js';
import type { DecisionRecord } from '../../core/decision/policy.js';
import type { CalibrationRecord, Promotion } from '../../engine/champion.js';

import { decisionLines } from '../reporters/train-lines.js';
import { out, withContext } from '../context.js';
import { isoTime, num, table } from '../format.js';

/** `ok`, or the attributes whose adverse impact ratio fails the four-fifths rule (stored with the version). */
function fairnessOf(m: Readonly<Record<string, number>>): string {
  const airs = Object.entries(m).filter(([k]) => k.startsWith('fairness_air_'));
  if (airs.length === 0) return '-';
  const failing = airs.filter(([, v]) => v < FOUR_FIFTHS).map(([k]) => k.slice('fairness_air_'.length));
  return failing.length ? `⚠ ${failing.join(',')}` : 'ok';
}

function verdictOf(m: Readonly<Record<string, number>>): string {
  const u = storedUsefulness(m);
  return u === null ? '-' : u.useless ? 'USELESS' : 'useful';
}

export function registerModels(program: Command): void {
  const models = program.command('models').description('the model registry: versions, metrics, aliases');
  models
    .command('list')
    .description('registered model versions, newest first')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExamples:\n  credit-tui models list\n  credit-tui models list --json')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      await withContext(cmd, ({ store }) => {
        const rows = store.listModelVersions();
        if (opts.json) return out(JSON.stringify(rows));
        if (rows.length === 0) return out('no models yet: credit-tui train --headless');
        const names = new Set(rows.map((v) => v.name));
        if (names.size === 1) out(`registered model: ${rows[0]!.name}`);
        out(table([...(names.size > 1 ? ['model'] : []), 'v', 'alias', 'family', 'CV AUC', 'test AUC', 'cost', 'verdict', 'fairness', 'created'],
          rows.map((v) => [...(names.size > 1 ? [v.name] : []), `v${v.version}`, v.aliases.join(',') || '-', v.family, num(v.metrics['cv_auc_mean']), num(v.metrics['test_roc_auc']), num(v.metrics['test_cost_at_optimal']), verdictOf(v.metrics), fairnessOf(v.metrics), isoTime(v.created_at).slice(5, 16)])));
        for (const v of rows) {
          const u = storedUsefulness(v.metrics);
          if (u?.useless) out(`⚠ v${v.version} is ${u.text}`);
        }
      });
    });
  models
    .command('show')
    .description('one version: metrics, usefulness and its fairness audit')
    .argument('[version]', 'version number or alias', 'champion')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExamples:\n  credit-tui models show\n  credit-tui models show 3 --json')
    .action(async (ref: string, opts: { json?: boolean }, cmd: Command) => {
      await withContext(cmd, ({ store }) => {
        const v = store.resolveModelVersion(REGISTERED_MODEL, ref);
        const tag = store.tags(v.run_id)['fairness'];
        const fairness = tag ? (JSON.parse(tag) as { attributes: AttributeFigures[]; skipped: string[] }) : null;
        const tags = store.tags(v.run_id);
        const decision = tags['decision'] ? (JSON.parse(tags['decision']) as DecisionRecord) : null;
        const calibration = tags['calibration'] ? (JSON.parse(tags['calibration']) as CalibrationRecord) : null;
        const promotion = tags['promotion'] ? (JSON.parse(tags['promotion']) as Promotion) : null;
        if (opts.json) return out(JSON.stringify({ ...v, fairness, decision, calibration, promotion }));
        out(`${v.name} v${v.version} (${v.family})${v.aliases.length ? ` [${v.aliases.join(', ')}]` : ''}, run ${v.run_id}, ${isoTime(v.created_at)}`);
        out(`bundle ${v.path} (sha256 ${v.sha256.slice(0, 12)}…)`);
        const u = storedUsefulness(v.metrics);
        if (u) out(`${u.useless ? '⚠ ' : ''}${u.text}`);
        for (const a of fairness?.attributes ?? []) out(`fairness ${verdictLine(a)}`);
        for (const s of fairness?.skipped ?? []) out(`fairness: skipped ${s}`);
        if (promotion) out(promotion.reason);
        if (decision && calibration) {
          for (const line of decisionLines(decision, calibration)) out(line.trim());
          out('reliability on the test rows (10 bins of p(bad)):');
          const cell = (b: ReliabilityBin): string => (b.n ? `${num(b.mean_p, 3)} / ${num(b.observed, 3)} (${b.n})` : '-');
          out(table(['p(bad) bin', calibration.method === 'none' ? 'mean p / observed (n)' : 'before: mean p / observed (n)', ...(calibration.method === 'none' ? [] : ['after calibration'])],
            calibration.test_before.bins.map((b, i) => [`${b.from.toFixed(1)}-${b.to.toFixed(1)}`, cell(b), ...(calibration.method === 'none' ? [] : [cell(calibration.test_after.bins[i]!)])])));
        }
        out(table(['metric', 'value'], Object.entries(v.metrics).map(([k, x]) => [k, num(x)])));
      });
    });
  models
    .command('promote')
    .description('point an alias (default: champion) at a version')
    .argument('<version>', 'version number, e.g. 3 or v3')
    .option('--alias <alias>', 'alias to set', 'champion')
    .option('--name <name>', 'registered model name', REGISTERED_MODEL)
    .addHelpText('after', '\nExamples:\n  credit-tui models promote 2\n  credit-tui models promote v3 --alias challenger')
    .action(async (ref: string, opts: { alias: string; name: string }, cmd: Command) => {
      const m = /^v?(\d+)$/.exec(ref);
      if (!m) throw new UserError(`invalid version ${JSON.stringify(ref)}`, {}, 'use a number such as 3 or v3');
      if (!/^[A-Za-z][A-Za-z0-9_-]{0,40}$/.test(opts.alias)) throw new UserError(`invalid alias ${JSON.stringify(opts.alias)}`, {}, 'letters, digits, _ and -');
      await withContext(cmd, ({ store }) => {
        store.setAlias(opts.name, opts.alias, Number(m[1]));
        out(`${opts.name} v${m[1]} is now '${opts.alias}'`);
      });
    });
}
