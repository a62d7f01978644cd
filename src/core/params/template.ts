import { DEFAULT_GRIDS, FAMILIES } from './grids.js';
import { DEFAULT_PARAMS, yaml } from './params.js';

/** The commented params.yaml that `credit-tui init` writes; every value is the default. */
export function paramsTemplate(): string {
  const D = DEFAULT_PARAMS;
  const grids = yaml().stringify({ grids: DEFAULT_GRIDS }, { flowCollectionPadding: false, collectionStyle: 'block' })
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => `  ${l}`)
    .join('\n');
  return `# credit-tui run parameters. Every key is optional: a missing key takes the default shown here.
# Validate with: credit-tui params --check

# Seed for every random choice (split, folds, SMOTE, bootstrap, subsampling, weight initialisation).
seed: ${D.seed}

data:
  # Dataset to train on (a name from 'credit-tui datasets'); null = the most recently ingested one.
  dataset: null
  # For generic CSV/Parquet files: the target column and the value that means "bad" (positive class).
  target: null
  bad_value: null
  # Override detected column roles: numeric | categorical | ordinal | ignore
  roles: {}

split:
  test_size: ${D.split.test_size}      # stratified hold-out share
  cv_folds: ${D.split.cv_folds}        # stratified k-fold on the training rows
  # Exact train/test rows and folds from a JSON file (e.g. ../shared/reference/split_statlog_german.json)
  split_file: null

preprocessing:               # fitted inside each training fold only
  impute_numeric: median     # median | mean
  impute_categorical: most_frequent   # most_frequent | missing_level
  encoding: onehot           # onehot | ordinal | woe
  scaling: standard          # standard | minmax | none
  power_transform: false     # Yeo-Johnson on numeric columns before scaling
  smote_k: 5                 # neighbours for SMOTE (used where a grid sets smote: true)

search:
  families: [${D.search.families.join(', ')}]   # also available: ${FAMILIES.filter((f) => !D.search.families.includes(f)).join(', ')} (balanced random forest)
  selection_metric: roc_auc  # roc_auc | gini | ks | brier | cost | f1 | g_mean (mean over CV folds)
  workers: 0                 # worker threads; 0 = one per core
  strategy: ${D.search.strategy}             # auto (grid, or halving when the grid's estimate exceeds planner.grid_budget) | grid (every candidate) | halving (successive halving over the grid, factor 3) | tpe (ranges below)
  trials: ${D.search.trials}                 # tpe: trials to run
  time: null                 # tpe: seconds after which no new trial starts (overrides trials)
  # tpe ranges per family (a family listed replaces its default space), e.g.
  # spaces:
  #   xgboost:
  #     learning_rate: {kind: float, low: 0.01, high: 0.3, log: true}
  #     max_depth: {kind: int, low: 2, high: 8}
  #     smote: {kind: categorical, choices: [false, true]}
  # Hyper-parameter grids (defaults = scikit-learn reference GRIDS). A family listed here replaces its default grid.
${grids}

cost:                        # expected cost per applicant; the cost-optimal threshold is c_fp / (c_fp + c_fn)
  bad_predicted_good: ${D.cost.bad_predicted_good}
  good_predicted_bad: ${D.cost.good_predicted_bad}

scoring:                     # points scale: base_points at base_odds good:bad, pdo points to double the odds
  base_points: ${D.scoring.base_points}
  base_odds: ${D.scoring.base_odds}
  pdo: ${D.scoring.pdo}
  min_points: ${D.scoring.min_points}            # points never go below this or above max_points: p(bad) is clipped to
  max_points: ${D.scoring.max_points}            # the range that maps into them (defaults: p(bad) under ~0.0016 = 850, over ~0.77 = 300)
  scale: ${D.scoring.scale}                 # pdo | minmax: a scorecard's worst possible applicant gets min_points, its best max_points
                             # (base/odds/pdo unused); other families get max_points - (max - min) * p(bad)

binning:                     # optimal binning of credit-tui bin (optbinning's defaults; the scorecard family's are its grid keys)
  max_prebins: ${D.binning.max_prebins}              # CART pre-binning: at most this many pre-bins ...
  min_prebin_size: ${D.binning.min_prebin_size}        # ... each holding at least this share of rows
  min_bin_size: ${D.binning.min_bin_size ?? 'null'}           # smallest optimal bin as a share of rows (null = no limit)
  trend: ${D.binning.trend}                  # bad-rate trend: auto | ascending | descending | peak | valley | none
  special: {}                # values with a bin of their own, e.g. { months_employed: [-1] }

reasons:
  # Reason codes of logreg, svm, knn and mlp compare an applicant with a reference applicant: average (the mean
  # training applicant) or cutoff (the training applicants at or just above the cut-off). Scorecards give the
  # characteristics that lost most points against their best bin.
  method: ${D.reasons.method}

decision:
  # How the cut-off on p(bad) is chosen, always on out-of-fold predictions (never on test rows):
  #   cost          Bayes-optimal for the cost matrix above
  #   recall        the highest cut-off whose recall of bad applicants reaches target (e.g. 0.712)
  #   approval_rate approve the target share of applicants (e.g. 0.7)
  #   bad_rate      approve as many as possible with the approved bad rate at most target (e.g. 0.1)
  policy: ${D.decision.policy}
  target: ${D.decision.target ?? 'null'}
  calibration: ${D.decision.calibration}            # none | sigmoid | isotonic | auto (fitted on out-of-fold predictions)
  promote: ${D.decision.promote}            # always | if-better (beat the current champion on the same test rows) | never

drift:
  p_value: ${D.drift.p_value}               # statistical tests flag a column below this p-value
  distance_threshold: ${D.drift.distance_threshold}     # Wasserstein (normed) / Jensen-Shannon flag a column at or above this
  psi_investigate: ${D.drift.psi_investigate}
  psi_significant: ${D.drift.psi_significant}
  drift_share: ${D.drift.drift_share}           # the dataset drifts when at least this share of columns drift
  missing_share_change: ${D.drift.missing_share_change}   # a change in missing share this large flags a column by itself
  psi_bins: ${D.drift.psi_bins}
  verdict: ${D.drift.verdict}          # with a model (drift --model, monitor): share of columns, or weighted by permutation importance
  weighted_share: ${D.drift.weighted_share}      # the dataset drifts when drifted columns carry this share of the model's importance

fairness:
  # Protected attributes credit-tui fairness audits (and train stores with each champion). null = defaults:
  # age_band from age (<25, 25-34, 35-49, 50+), sex from personal_status / personal_status_sex / Sex,
  # foreign_worker (yes, no). Example:
  #   - { name: age_band, column: age, bands: [25, 35, 50] }
  #   - { name: sex, column: personal_status, groups: { female: ['female: single'], male: ['male: single'] } }
  attributes: null

monitor:
  # Alert bands of credit-tui monitor. A metric not named here gets mean ± 3 sd over reference chunks.
  # Metrics: approval_rate, mean_p_bad, score_psi, drift_share, auc, estimated_auc. Example:
  #   approval_rate: { lower: 0.5, upper: 0.9 }
  thresholds: {}

planner:
  # Before the first fit, train times every candidate group on a small subsample and prints its estimate.
  # Above these limits it adapts the families whose cost grows faster than the rows, and says so in one line each.
  svm_max_rows: ${D.planner.svm_max_rows}          # more fold-training rows: the RBF SVM fits on a seeded subsample of this size
  knn_max_rows: ${D.planner.knn_max_rows}          # more fold-training rows: KNN's neighbours come from a seeded subsample of this size
  mlp_row_epochs: ${D.planner.mlp_row_epochs}      # the MLP's max_iter is capped at this / fold-training rows
  probe_rows: ${D.planner.probe_rows}           # rows of the timing probe (at most a quarter of the training rows)
  forest_max_samples: ${D.planner.forest_max_samples}  # more fold-training rows: each random-forest tree bootstraps this many (scikit-learn's max_samples)
  train_score_rows: ${D.planner.train_score_rows}    # more fold-training rows: each candidate's train AUC is measured on a seeded subsample of this size (null: all)
  grid_budget: ${D.planner.grid_budget}          # seconds: with search.strategy auto, a grid estimated longer runs as successive halving (null: never)

# Where runs, datasets and the model registry live (README: "Teams: PostgreSQL store"). null = runs.db in the
# project directory; postgresql://user@host:5432/database = a server the whole team shares (put the password in
# PGPASSWORD or ~/.pgpass, not in this file); sqlite:PATH = another runs.db. --store and CREDIT_TUI_STORE win.
# artifacts: with PostgreSQL, a directory every machine mounts for model bundles, processed Parquet and
# prediction-log segments (null = inside the database). --artifacts and CREDIT_TUI_ARTIFACTS win.
store:
  url: null
  artifacts: null
`;
}
