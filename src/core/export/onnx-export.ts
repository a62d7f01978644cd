import { UserError } from '../errors.js';
import type { FittedPreprocessor } from '../features/preprocess.js';
import type { Calibrator } from '../decision/calibration.js';
import { encodedLevel } from '../features/preprocess.js';
import type { ModelState } from '../models/model.js';
import type { TreeState } from '../models/tree-structure.js';
import type { ModelBundle } from '../registry/bundle.js';
import type { PointsScale } from '../scoring/decision.js';
import { attr, GraphBuilder, ML_DOMAIN } from './onnx-graph.js';
import { scorecardNodes } from './onnx-scorecard.js';
import type { ScorecardState } from '../models/scorecard.js';
import { DataType, encodeModel, type ModelMessage, type ValueInfoMessage } from './onnx-proto.js';

/** Who asked for the export: recorded in the model's metadata so a runtime can trace it back. */
export interface ExportContext {
  readonly registered_model: string;
  readonly version: number;
  readonly bundle_sha256: string;
  readonly producer_version: string;
  readonly scale: PointsScale;
}

/** ai.onnx 17 has every core op used here; ai.onnx.ml 3 has LabelEncoder-2 and TreeEnsembleRegressor-3. */
export const ONNX_OPSET = 17;
export const ONNX_ML_OPSET = 3;
const IR_VERSION = 8;

/** Why a family cannot be exported, or null when it can. */
export function onnxRefusal(family: string): string | null {
  if (family === 'knn') {
    return 'knn models are not exported to ONNX: the model is its training matrix (every training applicant would ship inside the file), and neighbour ties on one-hot features are broken differently by float arithmetic in another runtime; export a logreg, tree, forest, brf, xgboost, mlp or svm version';
  }
  return null;
}

function tensorInfo(name: string, elem: (typeof DataType)[keyof typeof DataType], dims: readonly (number | string)[]): ValueInfoMessage {
  return { name, type: { tensor_type: { elem_type: elem, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d })) } } } };
}

/** The Yeo-Johnson transform of a double column, branch by branch as `preprocess.ts` computes it. */
function yeoJohnsonNodes(g: GraphBuilder, x: string, lambda: number): string {
  const one = g.scalar(1);
  const zero = g.scalar(0);
  const xp = g.node('Max', [x, zero]);
  const xn = g.node('Min', [x, zero]);
  const pos = Math.abs(lambda) < 1e-12
    ? g.node('Log', [g.node('Add', [xp, one])])
    : g.node('Div', [g.node('Sub', [g.node('Pow', [g.node('Add', [xp, one]), g.scalar(lambda)]), one]), g.scalar(lambda)]);
  const neg = Math.abs(lambda - 2) < 1e-12
    ? g.node('Neg', [g.node('Log', [g.node('Sub', [one, xn])])])
    : g.node('Neg', [g.node('Div', [g.node('Sub', [g.node('Pow', [g.node('Sub', [one, xn]), g.scalar(2 - lambda)]), one]), g.scalar(2 - lambda)])]);
  return g.node('Where', [g.node('GreaterOrEqual', [x, zero]), pos, neg]);
}

/**
 * The fitted preprocessing as a graph: numeric inputs are float32 [N,1] (NaN = missing), categorical inputs
 * strings [N,1] ("" = missing). Returns the double feature matrix [N,p] in the model's feature order.
 */
function preprocessNodes(g: GraphBuilder, prep: FittedPreprocessor): string {
  const features: string[] = [];
  for (const step of prep.numeric) {
    const x = g.cast(step.name, DataType.DOUBLE);
    let v = g.node('Where', [g.node('IsNaN', [x]), g.scalar(step.fill), x]);
    if (step.lambda !== null) v = yeoJohnsonNodes(g, v, step.lambda);
    features.push(g.node('Div', [g.node('Sub', [v, g.scalar(step.center)]), g.scalar(step.scale)]));
  }
  for (const step of prep.categorical) {
    // Each label maps to a row of a table of encoded values; row K holds what an unseen label encodes to.
    const k = step.categories.length;
    const fillIndex = step.categories.indexOf(step.fill);
    const keys = [...step.categories];
    const values = step.categories.map((_, i) => i);
    if (!keys.includes('')) {
      keys.push('');
      values.push(fillIndex < 0 ? k : fillIndex);
    }
    const index = g.node('LabelEncoder', [step.name], [attr.strings('keys_strings', keys), attr.ints('values_int64s', values), attr.int('default_int64', k)], ML_DOMAIN);
    let table: number[];
    let width: number;
    if (step.encoding === 'onehot') {
      width = k;
      table = new Array<number>((k + 1) * k).fill(0);
      for (let i = 0; i < k; i++) table[i * k + i] = 1;
    } else {
      width = 1;
      table = Array.from({ length: k + 1 }, (_, i) => (encodedLevel(step, i < k ? i : -1) - step.center) / step.scale);
    }
    const rows = g.node('Gather', [g.doubles([k + 1, width], table, 'encoding'), index], [attr.int('axis', 0)]);
    features.push(g.node('Reshape', [rows, g.int64s([2], [-1, width])]));
  }
  return features.length === 1 ? features[0]! : g.node('Concat', features, [attr.int('axis', 1)]);
}

/** One TreeEnsembleRegressor over all trees; thresholds and leaf values as double tensors (no float32 rounding). */
function treeEnsemble(g: GraphBuilder, X: string, trees: readonly TreeState[], aggregate: 'SUM' | 'AVERAGE'): string {
  const treeIds: number[] = [];
  const nodeIds: number[] = [];
  const featureIds: number[] = [];
  const modes: string[] = [];
  const thresholds: number[] = [];
  const trueIds: number[] = [];
  const falseIds: number[] = [];
  const targetTree: number[] = [];
  const targetNode: number[] = [];
  const targetWeights: number[] = [];
  trees.forEach((t, ti) => {
    for (let n = 0; n < t.feature.length; n++) {
      const leaf = t.feature[n]! < 0;
      treeIds.push(ti);
      nodeIds.push(n);
      featureIds.push(leaf ? 0 : t.feature[n]!);
      modes.push(leaf ? 'LEAF' : 'BRANCH_LEQ');
      thresholds.push(leaf ? 0 : t.threshold[n]!);
      trueIds.push(leaf ? 0 : t.left[n]!);
      falseIds.push(leaf ? 0 : t.right[n]!);
      if (leaf) {
        targetTree.push(ti);
        targetNode.push(n);
        targetWeights.push(t.value[n]!);
      }
    }
  });
  const y = g.node('TreeEnsembleRegressor', [X], [
    attr.ints('nodes_treeids', treeIds), attr.ints('nodes_nodeids', nodeIds), attr.ints('nodes_featureids', featureIds),
    attr.strings('nodes_modes', modes), attr.doubles('nodes_values_as_tensor', thresholds),
    attr.ints('nodes_truenodeids', trueIds), attr.ints('nodes_falsenodeids', falseIds),
    attr.ints('target_treeids', targetTree), attr.ints('target_nodeids', targetNode), attr.ints('target_ids', targetTree.map(() => 0)),
    attr.doubles('target_weights_as_tensor', targetWeights),
    attr.int('n_targets', 1), attr.string('aggregate_function', aggregate), attr.string('post_transform', 'NONE'),
  ], ML_DOMAIN);
  return g.cast(y, DataType.DOUBLE);
}

const numbers = (v: unknown): number[] => v as number[];

/** p(bad) [N,1] double from the feature matrix, per family. */
function estimatorNodes(g: GraphBuilder, X: string, state: ModelState, p: number): string {
  switch (state.family) {
    case 'logreg': {
      const coef = numbers(state['coef']);
      return g.node('Sigmoid', [g.node('Add', [g.node('MatMul', [X, g.doubles([p, 1], coef, 'coef')]), g.scalar(state['intercept'] as number)])]);
    }
    case 'tree':
    case 'forest':
    case 'brf':
      return g.node('Min', [treeEnsemble(g, X, state['trees'] as TreeState[], 'AVERAGE'), g.scalar(1)]);
    case 'xgboost':
      return g.node('Sigmoid', [treeEnsemble(g, X, state['trees'] as TreeState[], 'SUM')]);
    case 'mlp': {
      const layers = state['layers'] as { inputs: number; outputs: number; W: number[]; b: number[] }[];
      let h = X;
      layers.forEach((L, i) => {
        const z = g.node('Add', [g.node('MatMul', [h, g.doubles([L.inputs, L.outputs], L.W, 'W')]), g.doubles([L.outputs], L.b, 'b')]);
        h = i === layers.length - 1 ? g.node('Sigmoid', [z]) : g.node('Relu', [z]);
      });
      return h;
    }
    case 'svm': {
      // RBF kernel from ‖x‖² − 2x·s + ‖s‖² in double; ai.onnx.ml's SVM ops hold support vectors as float32.
      const m = state['rows'] as number;
      const sv = numbers(state['sv']);
      const svT = new Float64Array(p * m);
      const svSq = new Float64Array(m);
      for (let k = 0; k < m; k++) {
        for (let j = 0; j < p; j++) {
          svT[j * m + k] = sv[k * p + j]!;
          svSq[k]! += sv[k * p + j]! ** 2;
        }
      }
      const xSq = g.node('ReduceSum', [g.node('Mul', [X, X]), g.int64s([1], [1])], [attr.int('keepdims', 1)]);
      const cross = g.node('MatMul', [X, g.doubles([p, m], svT, 'sv')]);
      const d = g.node('Add', [g.node('Sub', [xSq, g.node('Mul', [cross, g.scalar(2)])]), g.doubles([1, m], svSq, 'sv_sq')]);
      const k = g.node('Exp', [g.node('Mul', [d, g.scalar(-(state['gamma'] as number))])]);
      const f = g.node('Add', [g.node('MatMul', [k, g.doubles([m, 1], numbers(state['coef']), 'dual')]), g.scalar(state['b'] as number)]);
      // Platt: p = 1 / (1 + exp(A f + B)).
      return g.node('Sigmoid', [g.node('Neg', [g.node('Add', [g.node('Mul', [f, g.scalar(state['A'] as number)]), g.scalar(state['B'] as number)])])]);
    }
    case 'scorecard':
      return scorecardNodes(g, X, state as ScorecardState, p);
    default:
      throw new UserError(onnxRefusal(state.family) ?? `family '${state.family}' cannot be exported to ONNX`);
  }
}

/** The bundle's calibrator on p(bad) [N,1] double, computed as `calibrate` in core/decision/calibration.ts. */
function calibrationNodes(g: GraphBuilder, p: string, c: Calibrator | undefined): string {
  if (!c || c.method === 'none') return p;
  if (c.method === 'sigmoid') {
    const q = g.node('Clip', [p, g.scalar(1e-15), g.scalar(1 - 1e-15)]);
    const logOdds = g.node('Log', [g.node('Div', [q, g.node('Sub', [g.scalar(1), q])])]);
    return g.node('Sigmoid', [g.node('Neg', [g.node('Add', [g.node('Mul', [logOdds, g.scalar(c.A)]), g.scalar(c.B)])])]);
  }
  // Isotonic: y0 + Σ slopeᵢ·(clamp(p, xᵢ, xᵢ₊₁) − xᵢ), the piecewise-linear interpolation as one MatMul.
  const { x, y } = c;
  const m = x.length - 1;
  if (m === 0) return g.node('Add', [g.node('Mul', [p, g.scalar(0)]), g.scalar(y[0]!)]);
  const lo = g.doubles([1, m], x.slice(0, m), 'iso_lo');
  const hi = g.doubles([1, m], x.slice(1), 'iso_hi');
  const slopes = g.doubles([m, 1], Array.from({ length: m }, (_, i) => (y[i + 1]! - y[i]!) / (x[i + 1]! - x[i]!)), 'iso_slope');
  const within = g.node('Sub', [g.node('Max', [g.node('Min', [p, hi]), lo]), lo]);
  return g.node('Add', [g.node('MatMul', [within, slopes]), g.scalar(y[0]!)]);
}

/** The input columns of a bundle in the order of its schema, with their ONNX element types. */
export function onnxInputs(bundle: ModelBundle): { name: string; type: 'float' | 'string' }[] {
  const numeric = new Set(bundle.preprocessor.numeric.map((s) => s.name));
  const categorical = new Set(bundle.preprocessor.categorical.map((s) => s.name));
  return bundle.schema.filter((c) => numeric.has(c.name) || categorical.has(c.name)).map((c) => ({ name: c.name, type: numeric.has(c.name) ? 'float' : 'string' }));
}

/**
 * The whole fitted pipeline of a bundle (preprocessing, estimator, threshold) as one ONNX model. Outputs
 * `label` [N] (1 = decline, p(bad) ≥ threshold) and `probabilities` [N,2] (column 1 = p(bad)), as skl2onnx.
 */
export function exportOnnx(bundle: ModelBundle, ctx: ExportContext): Uint8Array {
  const refusal = onnxRefusal(bundle.family);
  if (refusal) throw new UserError(refusal);
  const g = new GraphBuilder();
  const inputs = onnxInputs(bundle);
  const X = preprocessNodes(g, bundle.preprocessor);
  const pBad = calibrationNodes(g, estimatorNodes(g, X, bundle.model, bundle.preprocessor.featureNames.length), bundle.calibration);
  const both = g.node('Concat', [g.node('Sub', [g.scalar(1), pBad]), pBad], [attr.int('axis', 1)]);
  g.cast(both, DataType.FLOAT, 'probabilities');
  const decline = g.cast(g.node('GreaterOrEqual', [pBad, g.scalar(bundle.threshold)]), DataType.INT64);
  g.node('Reshape', [decline, g.int64s([1], [-1])], [], '', 'label');
  const meta: Record<string, string> = {
    registered_model: ctx.registered_model,
    model_version: String(ctx.version),
    family: bundle.family,
    bundle_sha256: ctx.bundle_sha256,
    dataset: `${bundle.dataset.name}@${bundle.dataset.version}`,
    dataset_sha256: bundle.dataset.digest,
    threshold: String(bundle.threshold),
    threshold_rule: 'decline (label 1) when probabilities[:,1] >= threshold',
    calibration: bundle.calibration?.method ?? 'none',
    decision_policy: bundle.decision ? `${bundle.decision.policy}${bundle.decision.target === null ? '' : ` ${bundle.decision.target}`}` : 'cost',
    points_scale: JSON.stringify(ctx.scale),
    column_order: JSON.stringify(inputs.map((i) => i.name)),
    missing_values: 'numeric: NaN; categorical: empty string',
    train_run_id: bundle.train_run_id,
  };
  const model: ModelMessage = {
    ir_version: IR_VERSION,
    opset_import: [{ domain: '', version: ONNX_OPSET }, { domain: ML_DOMAIN, version: ONNX_ML_OPSET }],
    producer_name: 'credit-tui',
    producer_version: ctx.producer_version,
    model_version: ctx.version,
    doc_string: `${ctx.registered_model} v${ctx.version} (${bundle.family}) trained on ${bundle.dataset.name}@${bundle.dataset.version}`,
    graph: {
      name: `${ctx.registered_model}_v${ctx.version}`,
      node: g.nodes,
      initializer: g.initializers,
      input: inputs.map((i) => tensorInfo(i.name, i.type === 'float' ? DataType.FLOAT : DataType.STRING, ['N', 1])),
      output: [tensorInfo('label', DataType.INT64, ['N']), tensorInfo('probabilities', DataType.FLOAT, ['N', 2])],
    },
    metadata_props: Object.entries(meta).map(([key, value]) => ({ key, value })),
  };
  return encodeModel(model);
}
