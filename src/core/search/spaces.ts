import type { Family } from '../params/grids.js';
import type { Space } from './tpe.js';

/**
 * Default ranges for `search.strategy: tpe` (params.yaml `search.spaces` replaces a family's space). They
 * cover each family's default grid and beyond, on log scales where the grid steps are multiplicative.
 */
export const DEFAULT_SPACES: Readonly<Record<Family, Space>> = {
  logreg: { C: { kind: 'float', low: 1e-3, high: 100, log: true }, class_weight: { kind: 'categorical', choices: [null, 'balanced'] }, smote: { kind: 'categorical', choices: [false, true] } },
  tree: { max_depth: { kind: 'int', low: 2, high: 16 }, min_samples_leaf: { kind: 'int', low: 1, high: 60, log: true }, smote: { kind: 'categorical', choices: [false, true] } },
  forest: { n_estimators: { kind: 'int', low: 50, high: 400, log: true }, max_depth: { kind: 'int', low: 3, high: 24 }, max_features: { kind: 'float', low: 0.05, high: 0.8 }, min_samples_leaf: { kind: 'int', low: 1, high: 20, log: true }, smote: { kind: 'categorical', choices: [false, true] } },
  xgboost: {
    n_estimators: { kind: 'int', low: 50, high: 400, log: true }, max_depth: { kind: 'int', low: 2, high: 8 }, learning_rate: { kind: 'float', low: 0.01, high: 0.3, log: true },
    subsample: { kind: 'float', low: 0.5, high: 1 }, colsample_bytree: { kind: 'float', low: 0.3, high: 1 }, min_child_weight: { kind: 'float', low: 0.1, high: 20, log: true },
    reg_lambda: { kind: 'float', low: 0.01, high: 20, log: true }, smote: { kind: 'categorical', choices: [false, true] },
  },
  knn: { n_neighbors: { kind: 'int', low: 3, high: 101, log: true }, weights: { kind: 'categorical', choices: ['uniform', 'distance'] }, smote: { kind: 'categorical', choices: [false, true] } },
  svm: { C: { kind: 'float', low: 0.05, high: 50, log: true }, gamma: { kind: 'float', low: 1e-3, high: 1, log: true }, smote: { kind: 'categorical', choices: [false, true] } },
  mlp: { hidden_layer_sizes: { kind: 'categorical', choices: [[32], [64], [64, 32], [128, 64]] }, alpha: { kind: 'float', low: 1e-5, high: 1, log: true }, learning_rate_init: { kind: 'float', low: 1e-4, high: 1e-2, log: true }, smote: { kind: 'categorical', choices: [false, true] } },
  brf: { n_estimators: { kind: 'int', low: 50, high: 400, log: true }, max_depth: { kind: 'int', low: 3, high: 24 }, min_samples_leaf: { kind: 'int', low: 1, high: 20, log: true } },
  scorecard: { C: { kind: 'float', low: 1e-3, high: 10, log: true }, min_bin_size: { kind: 'float', low: 0.02, high: 0.2, log: true }, trend: { kind: 'categorical', choices: ['auto', 'none'] } },
};
