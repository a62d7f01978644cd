import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REFERENCE_DIR } from '../../test-support/helpers.js';
import { describe, expect, it } from 'vitest';
import { UserError } from '../errors.js';
import { DEFAULT_GRIDS, expandGrid } from './grids.js';
import { DEFAULT_PARAMS, parseParams } from './params.js';
import { paramsTemplate } from './template.js';

function errorOf(text: string): string {
  try {
    parseParams(text, 'params.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    return (e as Error).message;
  }
  throw new Error('expected an error');
}

const REFERENCE_TRAIN = join(REFERENCE_DIR, 'reference_train.py');

describe('params.yaml', () => {
  it('an empty file gives the defaults, with the UCI cost matrix', () => {
    const p = parseParams('');
    expect(p).toEqual(DEFAULT_PARAMS);
    expect(p.cost).toEqual({ bad_predicted_good: 5, good_predicted_bad: 1 });
  });

  it('the commented template written by init validates and equals the defaults', () => {
    const text = paramsTemplate();
    expect(text).toContain('# Seed for every random choice');
    expect(parseParams(text)).toEqual(DEFAULT_PARAMS);
  });

  it('overrides single keys and keeps the rest', () => {
    const p = parseParams('seed: 7\nsplit:\n  cv_folds: 3\nsearch:\n  families: [logreg, xgboost]\n  grids:\n    logreg: {C: [1]}\n');
    expect(p.seed).toBe(7);
    expect(p.split.cv_folds).toBe(3);
    expect(p.split.test_size).toBe(0.2);
    expect(p.search.families).toEqual(['logreg', 'xgboost']);
    expect(p.search.grids.logreg).toEqual({ C: [1] });
    expect(p.search.grids.tree).toEqual(DEFAULT_PARAMS.search.grids.tree);
  });

  it('names the key and what is allowed on a wrong key, type or value', () => {
    expect(errorOf('sead: 1')).toBe("params.yaml: unknown key 'sead' (allowed: seed, data, split, preprocessing, search, cost, scoring, binning, reasons, decision, drift, fairness, monitor, planner, store)");
    expect(errorOf('split:\n  cv_folds: two')).toBe('params.yaml: invalid value "two" for \'split.cv_folds\': expected an integer from 2 to 20');
    expect(errorOf('preprocessing:\n  scaling: log')).toContain("'preprocessing.scaling': expected one of standard, minmax, none");
    expect(errorOf('search:\n  grids:\n    xgboost: {learning_rate: [2]}')).toContain("'search.grids.xgboost.learning_rate': expected a number in (0, 1]");
    expect(errorOf('search:\n  grids:\n    knn: {k: [3]}')).toContain("unknown key 'search.grids.knn.k' (allowed: n_neighbors, weights, smote)");
    expect(errorOf('search:\n  families: [logreg, gbm]')).toContain("'search.families'");
    expect(errorOf('cost:\n  bad_predicted_good: -5')).toContain("'cost.bad_predicted_good': expected a positive number");
    expect(errorOf('binning:\n  trend: up')).toContain("'binning.trend': expected one of auto, ascending, descending, peak, valley, none");
    expect(errorOf('binning:\n  special: {age: [.nan]}')).toContain("'binning.special.age': expected a list of numbers or strings");
    // A wrong store URL is named without its password.
    expect(errorOf('store:\n  url: mysql://bob:s3cret@db/x')).toBe('params.yaml: invalid value "mysql://bob:***@db/x" for \'store.url\': expected postgresql://user@host:port/database or sqlite:PATH');
    expect(parseParams('store:\n  url: postgresql://bob@db.example:6543/team?sslmode=require').store?.url).toBe('postgresql://bob@db.example:6543/team?sslmode=require');
  });

  it('reports YAML syntax errors with their line', () => {
    expect(errorOf('seed: 1\nsplit: [\n')).toMatch(/^params\.yaml, row \d+: not valid YAML/);
    expect(errorOf('- 1\n- 2')).toContain('expected a mapping');
  });
});

describe('expandGrid', () => {
  it('follows scikit-learn ParameterGrid order: keys sorted, last key fastest', () => {
    const c = expandGrid({ smote: [false, true], C: [0.1, 1] });
    expect(c).toEqual([
      { C: 0.1, smote: false }, { C: 0.1, smote: true }, { C: 1, smote: false }, { C: 1, smote: true },
    ]);
  });
  it('the default grids give the reference candidate counts (104 candidates, 520 fits)', () => {
    const n = DEFAULT_PARAMS.search.families.map((f) => expandGrid(DEFAULT_PARAMS.search.grids[f]).length);
    expect(n).toEqual([16, 24, 16, 16, 12, 12, 8]);
    expect(n.reduce((a, b) => a + b, 0) * DEFAULT_PARAMS.split.cv_folds).toBe(520);
  });

  it.skipIf(!existsSync(REFERENCE_TRAIN))('the default grids are the GRIDS of the scikit-learn reference script, read from it', () => {
    // The reference's GRIDS literal, evaluated by Python itself (tuples become lists, None null).
    const py = "import ast,json,sys; src=open(sys.argv[1]).read(); t=ast.parse(src); g=[n for n in t.body if isinstance(n, ast.Assign) and getattr(n.targets[0], 'id', '')=='GRIDS'][0]; print(json.dumps(ast.literal_eval(g.value)))";
    const r = spawnSync('python3', ['-c', py, REFERENCE_TRAIN], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    // brf is ours alone (imbalanced-learn's BalancedRandomForestClassifier is not in the reference's GRIDS).
    const reference = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(reference).toEqual(JSON.parse(JSON.stringify(Object.fromEntries(Object.keys(reference).map((f) => [f, DEFAULT_GRIDS[f as keyof typeof DEFAULT_GRIDS]])))));
    expect(Object.keys(reference).sort()).toEqual([...DEFAULT_PARAMS.search.families].sort());
  });
});
