import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { render } from 'ink-testing-library';
import React from 'react';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeModel } from '../core/export/onnx-proto.js';
import { DEFAULT_PARAMS, type Params } from '../core/params/params.js';
import type { CandidateResult } from '../core/search/leaderboard.js';
import { ingest } from '../engine/ingest.js';
import { openStore, projectAt } from '../engine/project.js';
import { train } from '../engine/train.js';
import { HAS_STATLOG, STATLOG, tmpHome } from '../test-support/helpers.js';
import { App } from './app.js';
import { PrepareScreen } from './screens/prepare.js';
import { TrainView } from './screens/train.js';
import type { Services } from './services.js';
import { INITIAL_TRAIN_VIEW, trainReducer } from './train-state.js';

const tick = (ms = 30) => new Promise((r) => setTimeout(r, ms));

/** Polls the last frame until it matches: fixed sleeps were flaky when the whole suite loads the machine. */
async function frameMatching(lastFrame: () => string | undefined, pattern: RegExp, timeoutMs = 5000): Promise<string> {
  const t0 = Date.now();
  while (!pattern.test(lastFrame() ?? '') && Date.now() - t0 < timeoutMs) await tick(20);
  return lastFrame() ?? '';
}
const quickLogreg: Params = { ...DEFAULT_PARAMS, search: { ...DEFAULT_PARAMS.search, families: ['logreg', 'tree'] } };

function cand(family: CandidateResult['family'], auc: number, index = 0): CandidateResult {
  return { family, index, params: { C: 1 }, fold_auc: [auc], cv_auc_mean: auc, cv_auc_std: 0.01, train_auc: 0.9, selection: auc, fold_selection: [auc], seconds: 0.1 };
}

describe('train view state (pure reducer)', () => {
  it('folds started / candidate / finished events into progress, leaderboard and history', () => {
    let s = trainReducer(INITIAL_TRAIN_VIEW, { type: 'event', event: { type: 'started', runId: 'r1', dataset: 'd@1', families: ['logreg', 'tree'], candidates: 3, fits: 15, folds: 5, workers: 1, split: 'seeded', strategy: 'grid', estimate: { seconds: 75, perFamily: { logreg: 40 }, preprocessing: 1, probe: 2, refits: 3, finishing: 4, adaptations: [], notes: [] }, perFamily: { logreg: 2, tree: 1 } } });
    expect(s.phase).toBe('running');
    const a = cand('logreg', 0.78);
    s = trainReducer(s, { type: 'event', event: { type: 'candidate', result: a, done: 1, total: 3, elapsed: 1, eta: 2, best: a, leaderboard: [a] } });
    const b = cand('tree', 0.7);
    s = trainReducer(s, { type: 'event', event: { type: 'candidate', result: b, done: 2, total: 3, elapsed: 2, eta: 1, best: a, leaderboard: [a, b] } });
    expect(s.perFamily).toEqual({ logreg: { done: 1, total: 2 }, tree: { done: 1, total: 1 } });
    expect(s.bestHistory).toEqual([0.78, 0.78]);
    expect(s.finished).toHaveLength(2);
    expect(trainReducer(s, { type: 'cancelled' }).phase).toBe('cancelled');
  });

  it('renders the live view at a fixed width', () => {
    let s = trainReducer(INITIAL_TRAIN_VIEW, { type: 'event', event: { type: 'started', runId: 'r1', dataset: 'd@1', families: ['logreg'], candidates: 4, fits: 20, folds: 5, workers: 1, split: 'seeded', strategy: 'grid', estimate: { seconds: 75, perFamily: { logreg: 40 }, preprocessing: 1, probe: 2, refits: 3, finishing: 4, adaptations: [], notes: [] }, perFamily: { logreg: 4 } } });
    const a = cand('logreg', 0.7812);
    s = trainReducer(s, { type: 'event', event: { type: 'candidate', result: a, done: 1, total: 4, elapsed: 65, eta: 195, best: a, leaderboard: [a] } });
    const { lastFrame } = render(<TrainView view={s} />);
    const frame = lastFrame()!;
    expect(frame).toContain('1/4 · 01:05 elapsed · ETA 03:15');
    expect(frame).toContain('estimate 1m15s (logreg 40s; fit-seconds per family)');
    expect(frame).toContain(' 25%');
    expect(frame).toContain('1. logreg   0.7812 ± 0.010');
    expect(frame).toMatch(/logreg\s+█████░+\s+25% 1\/4/);
  });
});

describe('Prepare screen', () => {
  it('shows how many fits the choices mean and starts a run with them', async () => {
    const home = tmpHome();
    const store = openStore(projectAt(home));
    let started: Params | null = null;
    const { lastFrame, stdin } = render(<PrepareScreen services={{ project: projectAt(home), store, params: DEFAULT_PARAMS }} onBack={() => undefined} onTrain={(p) => (started = p)} />);
    expect(lastFrame()).toContain('7 families, 104 candidates × 5 folds = 520 fits');
    await tick();
    for (let i = 0; i < 6; i++) {
      stdin.write('j');
      await tick(120);
    }
    stdin.write(' '); // grid size: full -> quick
    await tick(120);
    expect(lastFrame()).toContain('grid size                 quick');
    expect(lastFrame()).toContain('= 50 fits');
    stdin.write('\r');
    // Keys apply one per render commit: under a loaded machine that can take longer than a fixed sleep.
    for (let i = 0; i < 100 && started === null; i++) await tick(50);
    expect(started!.search.grids.logreg).toEqual({ C: [0.1, 1], class_weight: [null], smote: [false] });
    store.close();
  });
});

describe.skipIf(!HAS_STATLOG)('App on a project with data and a model', () => {
  let services: Services;
  beforeAll(async () => {
    const home = tmpHome();
    const project = projectAt(home);
    const store = openStore(project);
    for await (const _ of ingest(project, store, { source: STATLOG })) void _;
    for await (const _ of train(project, store, quickLogreg, { quick: true, workers: 1 })) void _;
    services = { project, store, params: DEFAULT_PARAMS, workers: 1 };
  });

  it('home lists each workflow step with its state', () => {
    const { lastFrame } = render(<App services={services} />);
    const f = lastFrame()!;
    expect(f).toMatch(/1\. Data          1000 rows ingested \(statlog_german@[12]\)/);
    expect(f).toMatch(/6\. Models\s+champion v1 \((logreg|tree)\), test AUC 0\.\d\d/);
    expect(f).toContain('↑↓/jk move · Enter open · 1-9 jump · ? help · q quit');
  });

  it('? opens help and Esc comes back; keys move the selection', async () => {
    const { lastFrame, stdin } = render(<App services={services} />);
    stdin.write('?');
    // (The engine's import right after the first frame may hold the key back for a moment.)
    expect(await frameMatching(lastFrame, /credit-tui › Help/)).toContain('credit-tui › Help');
    stdin.write('\u001b');
    expect(await frameMatching(lastFrame, /credit-tui › Home/)).toContain('credit-tui › Home');
    await tick(); // the frame is drawn before Home's key handler attaches (an effect): give it that turn
    stdin.write('j');
    expect(await frameMatching(lastFrame, /❯ 2\. Explore/)).toContain('❯ 2. Explore');
  });

  it('data: change a column role and re-ingest it as a new version', async () => {
    const { lastFrame, stdin } = render(<App services={services} />);
    await tick();
    stdin.write('1');
    await tick(100);
    stdin.write('\t');
    await tick(100);
    for (let i = 0; i < 7; i++) {
      stdin.write('j'); // to installment_rate
      await tick(80);
    }
    expect(await frameMatching(lastFrame, /❯ installment_rate\s+numeric/)).toMatch(/❯ installment_rate\s+numeric/);
    stdin.write('r');
    expect(await frameMatching(lastFrame, /❯ installment_rate\s+categorical/)).toMatch(/❯ installment_rate\s+categorical\s+\(was numeric\)/);
    stdin.write('a');
    expect(await frameMatching(lastFrame, /ingested statlog_german@2/, 10_000)).toContain('ingested statlog_german@2');
    const v2 = services.store.resolveDataset('statlog_german@2');
    expect(v2.schema.find((c) => c.name === 'installment_rate')!.role).toBe('categorical');
    expect(v2.roles).toEqual({ installment_rate: 'categorical' });
    expect(v2.digest).toBe(services.store.resolveDataset('statlog_german@1').digest);
  });

  it('explore shows the columns ranked by information value', async () => {
    const { lastFrame, stdin } = render(<App services={services} />);
    stdin.write('2');
    const f = await frameMatching(lastFrame, /columns by information value/);
    expect(f).toContain('1000 rows, bad rate 30.0% — columns by information value');
    expect(f).toMatch(/❯ checking_status\s+cat\s+0%\s+0\.666/);
  });

  it('models: promote a version; score: one applicant gives p(bad), a decision and reasons', async () => {
    const { lastFrame, stdin } = render(<App services={services} />);
    await tick();
    stdin.write('6');
    expect(await frameMatching(lastFrame, /❯ v1\s+(logreg|tree)/)).toMatch(/❯ v1\s+(logreg|tree)/);
    await tick(100); // let the Models screen attach its key handler
    stdin.write('p');
    expect(await frameMatching(lastFrame, /v1 is now the champion/)).toContain('v1 is now the champion');
    const models = await frameMatching(lastFrame, /reliability/);
    expect(models).toMatch(/cut-off cost at 0\.167: test recall \d+%/);
    expect(models).toMatch(/reliability: (0\.\d\d→(0\.\d\d|1\.00) ?)+/);
    expect(models.split('\n').length).toBeLessThanOrEqual(23); // fits an 80×24 terminal
    stdin.write('e');
    expect(await frameMatching(lastFrame, /exported v1 as onnx/)).toContain('exported v1 as onnx');
    expect(decodeModel(readFileSync(join(services.project.home, 'exports', 'credit-risk-v1.onnx'))).graph.output.map((o) => o.name)).toEqual(['label', 'probabilities']);
    stdin.write('\u001b');
    await frameMatching(lastFrame, /credit-tui › Home/);
    await tick(100);
    stdin.write('7');
    expect(await frameMatching(lastFrame, /Score one applicant \(model v1/)).toContain('Score one applicant (model v1');
    await tick(100);
    stdin.write('\r');
    const f = await frameMatching(lastFrame, /decision (APPROVE|DECLINE)/);
    expect(f).toMatch(/p\(bad\) 0\.\d{4}/);
    expect(f).toMatch(/decision (APPROVE|DECLINE)/);
    expect(f).toMatch(/score \d+ points/);
  });

  it('score form: keys written in one chunk are each applied; Enter scores what the form shows; Ctrl+U clears', async () => {
    const { lastFrame, stdin } = render(<App services={services} />);
    await tick();
    stdin.write('7');
    await frameMatching(lastFrame, /Score one applicant/);
    await tick(100);
    stdin.write('j'); // duration
    const field = async (pattern: RegExp): Promise<string> => frameMatching(lastFrame, pattern);
    expect(await field(/❯ duration\s+\d+/)).toMatch(/❯ duration\s+\d+\s+\[4-72\]/);
    stdin.write('\x15'); // Ctrl+U clears the field
    expect(await field(/❯ duration\s+\[4-72\]/)).toMatch(/❯ duration\s+\[4-72\]/);
    stdin.write('1000');
    expect(await field(/❯ duration\s+1000/)).toMatch(/❯ duration\s+1000 /);
    stdin.write('\x7f\x7f'); // two Backspaces in one write
    expect(await field(/❯ duration\s+10 /)).toMatch(/❯ duration\s+10 /);
    stdin.write('0\r'); // a digit and Enter at once: the value scored is the value shown
    const f = await field(/decision (APPROVE|DECLINE)/);
    expect(f).toMatch(/❯ duration\s+100 /);
    expect(f).toContain('duration 100 is outside the training range 4-72');
    // A change makes the result stale: it disappears until Enter scores again.
    stdin.write('\x7f');
    const cleared = await frameMatching(lastFrame, /Enter scores the values shown/);
    expect(cleared).not.toMatch(/decision (APPROVE|DECLINE)/);
    // 386 months is beyond what the model accepts at all: one plain line, no result.
    stdin.write('\x15386\r');
    expect(await field(/✗/)).toContain("column 'duration': out of range: 386");
  });

  it('train: opening the screen shows the plan and starts nothing until Enter', async () => {
    const runsBefore = services.store.listRuns({ experiment: 'train', limit: 1000 }).length;
    const { lastFrame, stdin } = render(<App services={services} />);
    await tick();
    stdin.write('4');
    const f = await frameMatching(lastFrame, /Ready to search/);
    expect(f).toMatch(/7 families \(.*\), 104 candidates × 5 folds = 520 fits/);
    await tick(300);
    expect(services.store.listRuns({ experiment: 'train', limit: 1000 })).toHaveLength(runsBefore);
    stdin.write('\u001b');
    expect(await frameMatching(lastFrame, /credit-tui › Home/)).toContain('credit-tui › Home');
  });

  it('drift: an empty path or a directory is one plain line, cleared when the path changes', async () => {
    const { lastFrame, stdin } = render(<App services={services} />);
    await tick();
    stdin.write('8');
    await frameMatching(lastFrame, /credit-tui › Drift/);
    await tick(100);
    stdin.write('\r'); // reference -> current
    await tick(100);
    stdin.write('\r'); // compare with an empty current path
    let f = await frameMatching(lastFrame, /✗/);
    expect(f).toContain('✗ choose a current file to compare first');
    stdin.write(services.project.home);
    expect(await frameMatching(lastFrame, /^(?![\s\S]*✗)/)).not.toContain('✗');
    stdin.write('\r');
    f = await frameMatching(lastFrame, /✗/);
    expect(f).toContain('is a directory, not a file');
    expect(f).not.toMatch(/EISDIR|ENOENT|at .*\.js/);
  });
});
