/**
 * tf.cond: the value of one of two functions, chosen by a bool scalar at run time. In a graph
 * both functions are built (SubGraph, subgraph.ts) and one 'cond' node runs only the chosen one,
 * as TF 2's functional If; eagerly, only the chosen function is called. The gradient is a cond
 * on the same predicate whose branches replay their forward branch and backprop through it.
 */
import { isFloatDType, shapeString } from '../dtype.js';
import type { NativeMeta } from '../native.js';
import { executingEagerly } from '../engine.js';
import { registerGrad } from '../grad_registry.js';
import type { TensorLike } from '../convert.js';
import { Tensor } from '../tensor.js';
import { asTensor } from '../ops/checks.js';
import { zerosLike } from '../ops/creation.js';
import type { Graph, Operation } from './graph.js';
import { controlDependencies, getDefaultGraph, nameScope } from './graph.js';
import { gradients } from './gradients.js';
import { neededOps } from './plan.js';
import { buildControlFlow, SubGraph, unionOfCaptures, writesVariable } from './subgraph.js';

/** One value of a branch or loop: a tensor, or a JavaScript value made a constant. */
export type FlowItem = Tensor | TensorLike;
/** What a branch (or loop body) returns: one value, or a list of them. */
export type FlowValue = FlowItem | FlowItem[];

export interface CondOptions {
  /** The cond node's name (default 'cond'); the branches' ops go under 'name/true', 'name/false'. */
  name?: string;
}

interface CondInfo {
  subs: SubGraph[];
  /** Per branch, the inputs standing for the node's captured inputs (node inputs 1…). */
  feeds: Tensor[][];
  /** Per branch, the tensors it returns. */
  results: Tensor[][];
}
const condInfo = new WeakMap<Operation, CondInfo>();

/** A function's result as a list of tensors: an array is a list (as TF's structures), numbers become constants. */
export function flowTensors(value: FlowValue, what: string): Tensor[] {
  return (Array.isArray(value) ? value : [value]).map((v, i) => asTensor(v, `${i}`, what));
}

/**
 * Fails unless t may be a bool scalar: bool, and [] or a single element ([1], or a dimension
 * unknown until run time, which the native step checks then). `what`: "cond: pred".
 */
export function checkBoolScalar(t: Tensor, what: string): Tensor {
  if (t.dtype !== 'bool' || t.shape.length > 1 || (t.shape.length === 1 && t.shape[0] !== 1 && t.shape[0] !== null)) {
    throw new Error(`${what} must be a bool scalar, got ${t.dtype} ${shapeString(t.shape)}`);
  }
  return t;
}

/** A bool scalar predicate, or a JavaScript boolean. */
function predicate(pred: FlowItem, what: string): Tensor | boolean {
  return typeof pred === 'boolean' ? pred : checkBoolScalar(asTensor(pred, 'pred', what), `${what}: pred`);
}

/**
 * trueFn() if pred holds, else falseFn(). Both return one tensor or a list of the same length,
 * with matching dtypes; where their static shapes differ the result's dimension is unknown.
 * Ops created in a branch run only when it is taken (assignments included); tensors from outside
 * can be used freely. A JavaScript boolean pred just calls the function (TF's smart_cond).
 *
 *   const y = tf.cond(tf.less(x, 0), () => tf.neg(x), () => x);
 *   const [a, b] = tf.cond(training, () => [mean, variance], () => [movingMean, movingVariance]);
 */
export function cond(pred: FlowItem, trueFn: () => FlowItem, falseFn: () => FlowItem, opts?: CondOptions): Tensor;
export function cond(pred: FlowItem, trueFn: () => FlowItem[], falseFn: () => FlowItem[], opts?: CondOptions): Tensor[];
export function cond(pred: FlowItem, trueFn: () => FlowValue, falseFn: () => FlowValue, opts: CondOptions = {}): Tensor | Tensor[] {
  if (typeof trueFn !== 'function' || typeof falseFn !== 'function') {
    throw new Error('cond: trueFn and falseFn must be functions');
  }
  const p = predicate(pred, 'cond');
  const eager = executingEagerly();
  if (typeof p === 'boolean' || eager) {
    const taken = typeof p === 'boolean' ? p : (p.dataSync()[0] as number | boolean) ? true : false;
    const value = (taken ? trueFn : falseFn)();
    const ts = flowTensors(value, 'cond');
    return Array.isArray(value) ? ts : ts[0];
  }
  const g = getDefaultGraph();
  let single = false;
  const out = buildControlFlow(g, opts.name ?? 'cond', (full, parent) => {
    const subs = [0, 1].map(() => new SubGraph(g, `tf.cond '${full}'`, parent));
    const results = [trueFn, falseFn].map((fn, i) =>
      nameScope(`${full}/${i === 0 ? 'true' : 'false'}/`, () => subs[i].build(() => {
        const value = fn();
        if (i === 0) single = !Array.isArray(value);
        return flowTensors(value, `cond '${full}': ${i === 0 ? 'trueFn' : 'falseFn'}`).map((t) => subs[i].capture(t));
      })));
    return buildCondNode(g, full, p, subs, results);
  });
  return single ? out[0] : out;
}

/** The result metas of a cond whose branches return `results`; throws, naming both, if they disagree. */
function mergedMetas(full: string, results: Tensor[][]): NativeMeta[] {
  const [a, b] = results;
  const describe = (ts: Tensor[]) => ts.map((t) => `${t.dtype} ${shapeString(t.shape)}`).join(', ');
  if (a.length !== b.length) {
    throw new Error(`cond '${full}': trueFn returns ${a.length} value(s) [${describe(a)}] but falseFn returns ${b.length} [${describe(b)}]`);
  }
  return a.map((x, i) => {
    const y = b[i];
    if (x.dtype !== y.dtype || x.shape.length !== y.shape.length) {
      throw new Error(`cond '${full}': output ${i} is ${x.dtype} ${shapeString(x.shape)} in trueFn but ` +
        `${y.dtype} ${shapeString(y.shape)} in falseFn; both branches must return the same dtypes and ranks`);
    }
    return { dtype: x.dtype, shape: x.shape.map((d, k) => (d === y.shape[k] ? d : null)) };
  });
}

/** The 'cond' node over built branches; returns its outputs. */
function buildCondNode(g: Graph, full: string, pred: Tensor, subs: SubGraph[], results: Tensor[][]): Tensor[] {
  const metas = mergedMetas(full, results);
  const captured = unionOfCaptures(subs);
  const feeds = subs.map((s) => captured.map((t) => s.inputFor(t)));
  const outerControl = [...new Set(subs.flatMap((s) => [...s.outerControl]))];
  const op = controlDependencies(outerControl, () =>
    g.addOp('cond', [pred, ...captured], {}, {
      name: full,
      reserved: true,
      outputs: metas,
      extra: { subplans: subs.map((s, i) => s.subPlan(feeds[i], results[i])) },
    }));
  condInfo.set(op, { subs, feeds, results });
  return op.outputs;
}

/**
 * The gradient function of a forward function `sub` (which computed `ys` from inputs `xs`):
 * a function that may use sub's ops (a replay of them) and returns d(ys·dys)/d(xs), zeros where
 * an x does not matter. `dys` (outer tensors) are captured. Refuses a replay that would assign a
 * variable again.
 */
export function replayGradients(sub: SubGraph, grad: SubGraph, ys: Tensor[], xs: Tensor[], dys: Tensor[], what: string): Tensor[] {
  const fed = new Set(xs.map((x) => x.id));
  for (const op of neededOps(ys, [], fed)) {
    if (writesVariable(op)) {
      throw new Error(`gradients: ${what} computes its outputs through '${op.name}' (${op.type}), which changes a ` +
        'variable; its gradient would replay it and change the variable again');
    }
  }
  return grad.build(() => {
    const pairs = ys.map((y, i) => [y, dys[i]] as const).filter(([y]) => isFloatDType(y.dtype));
    const grads = pairs.length
      ? gradients(pairs.map(([y]) => y), xs, pairs.map(([, d]) => grad.capture(d)))
      : xs.map(() => null);
    return grads.map((d, k) => d ?? zerosLike(xs[k]));
  });
}

registerGrad('cond', (dys, ctx) => {
  const op = ctx as unknown as Operation;
  const info = condInfo.get(op);
  if (!info) throw new Error(`gradients: cond node '${op.name}' has no branches (imported graphs cannot be differentiated)`);
  const captured = op.inputs.slice(1);
  const wrt = captured.flatMap((t, j) => (isFloatDType(t.dtype) ? [j] : []));
  if (!wrt.length) return op.inputs.map(() => null);
  const g = op.graph;
  const out = buildControlFlow(g, `${op.name.split('/').pop()}_grad`, (full, parent) => {
    const subs = info.subs.map((s) => new SubGraph(g, `the gradient of tf.cond '${op.name}'`, parent, s));
    const results = subs.map((G, i) => nameScope(`${full}/${i === 0 ? 'true' : 'false'}/`, () =>
      replayGradients(info.subs[i], G, info.results[i], wrt.map((j) => info.feeds[i][j]), dys, `tf.cond '${op.name}'`)));
    return buildCondNode(g, full, op.inputs[0], subs, results);
  });
  return [null, ...captured.map((_, j) => (wrt.includes(j) ? out[wrt.indexOf(j)] : null))];
});

/**
 * The value of the function paired with the first predicate that holds, else of `defaultFn`
 * (TF's tf.case with exclusive=false, exported as `tf.case`): nested conds, so only the chosen
 * function's ops run. Every function returns the same structure.
 *
 *   const y = tf.case([[tf.less(x, 0), () => tf.neg(x)], [tf.less(x, 1), () => x]], () => tf.sqrt(x));
 */
export function caseOf(pairs: [FlowItem, () => FlowValue][], defaultFn: () => FlowValue, opts: CondOptions & { exclusive?: boolean } = {}): Tensor | Tensor[] {
  if (!Array.isArray(pairs) || pairs.some((p) => !Array.isArray(p) || typeof p[1] !== 'function')) {
    throw new Error('case: pairs must be an array of [pred, fn]');
  }
  if (opts.exclusive) throw new Error('case: exclusive is not supported (the first predicate that holds wins)');
  if (typeof defaultFn !== 'function') throw new Error('case: defaultFn must be a function');
  type Branch = () => FlowItem;   // cond's overloads, for a value of either structure
  const from = (i: number): FlowValue => (i === pairs.length
    ? defaultFn()
    : cond(pairs[i][0], pairs[i][1] as Branch, (() => from(i + 1)) as Branch, { name: opts.name ?? 'case' }));
  const out = from(0);
  const ts = flowTensors(out, 'case');
  return Array.isArray(out) ? ts : ts[0];
}
