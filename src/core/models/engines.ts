import type { Family } from '../params/grids.js';
import { gbmEngine } from './gbm.js';
import { knnEngine } from './knn.js';
import { logregEngine } from './logreg.js';
import type { FamilyEngine, Model, ModelState } from './model.js';
import { mlpEngine } from './mlp.js';
import { scorecardEngine } from './scorecard.js';
import { svmEngine } from './svm.js';
import { balancedForestEngine, forestEngine, treeEngine } from './trees.js';

/** The engine serving each family (see the README for why each was chosen). */
export const ENGINES: Readonly<Record<Family, FamilyEngine>> = {
  logreg: logregEngine,
  tree: treeEngine,
  forest: forestEngine,
  xgboost: gbmEngine,
  knn: knnEngine,
  svm: svmEngine,
  mlp: mlpEngine,
  brf: balancedForestEngine,
  scorecard: scorecardEngine,
};

export function loadModel(state: ModelState): Model {
  return ENGINES[state.family].load(state);
}
