/**
 * tf.whileLoop: repeats `body` on loop variables while `cond` holds. In a graph, the condition
 * and the body are functions (SubGraph, subgraph.ts) that one 'while' node runs at run time, as
 * TF 2's functional While; eagerly it is a JavaScript loop. The gradient runs the iterations
 * backwards: the forward node records each iteration's loop variables and the body tensors the
 * gradient reads (only in plans that differentiate the loop; packed, so a variable may change
 * shape), and a 'while_grad' node runs the body's gradient function on them in reverse.
 */
import { isFloatDType, shapeString } from '../dtype.js';
import { executingEagerly } from '../engine.js';
import { registerGrad } from '../grad_registry.js';
import { Tensor } from '../tensor.js';
import type { Graph, Operation } from './graph.js';
import { controlDependencies, getDefaultGraph, nameScope } from './graph.js';
import { zerosLike } from '../ops/creation.js';
import { stack, unstack } from '../ops/shape.js';
import type { Attrs } from '../native.js';
import type { FlowItem } from './cond.js';
import { checkBoolScalar, flowTensors, replayGradients } from './cond.js';
import { buildControlFlow, SubGraph, unionOfCaptures } from './subgraph.js';

export interface WhileLoopOptions {
  /** At most this many iterations (TF's maximum_iterations). */
  maximumIterations?: number;
  /**
   * Per loop variable, the shape it keeps through the loop, with null for dimensions that change
   * (default: its initial shape). The loop's outputs have these shapes.
   */
  shapeInvariants?: (number | null)[][];
  /** The node's name (default 'while'); the functions' ops go under 'name/cond', 'name/body'. */
  name?: string;
  /** Accepted for TF code; nodeflow runs iterations one after another. */
  parallelIterations?: number;
}

interface WhileInfo {
  n: number;
  /** Per-iteration inputs (the node's inputs n…n+e). */
  e: number;
  body: SubGraph;
  /** The body's inputs: loop variables, rows of the per-iteration inputs, captured tensors. */
  bodyFeeds: Tensor[];
  /** What the body returns: the next loop variables (n), then the per-iteration outputs. */
  bodyResults: Tensor[];
  /** Body tensors recorded per iteration for gradients (savedForGradient), in output order. */
  saved: Tensor[];
}
const whileInfo = new WeakMap<Operation, WhileInfo>();

/** Fails unless `shape` fits `invariant` (same rank; equal where both are known). */
function checkFits(shape: (number | null)[], invariant: (number | null)[], what: () => string): void {
  const fits = shape.length === invariant.length && shape.every((d, k) => d === null || invariant[k] === null || d === invariant[k]);
  if (!fits) throw new Error(what());
}

/**
 * Runs `body` on the loop variables while `cond` returns true; returns their final values. cond
 * and body take the loop variables as arguments; body returns as many, with the same dtypes and
 * shapes (or shapes that fit `shapeInvariants`). A single tensor in gives a single tensor out.
 * Differentiable with respect to the initial values and to tensors the body reads.
 *
 *   const [i, acc] = tf.whileLoop((i, acc) => tf.less(i, 10), (i, acc) => [tf.add(i, 1), tf.mul(acc, x)], [0, 1]);
 */
export function whileLoop(cond: (...vars: Tensor[]) => FlowItem, body: (...vars: Tensor[]) => FlowItem, loopVars: FlowItem, opts?: WhileLoopOptions): Tensor;
export function whileLoop(cond: (...vars: Tensor[]) => FlowItem, body: (...vars: Tensor[]) => FlowItem[], loopVars: FlowItem[], opts?: WhileLoopOptions): Tensor[];
export function whileLoop(
  cond: (...vars: Tensor[]) => FlowItem,
  body: (...vars: Tensor[]) => FlowItem | FlowItem[],
  loopVars: FlowItem | FlowItem[],
  opts: WhileLoopOptions = {},
): Tensor | Tensor[] {
  if (typeof cond !== 'function' || typeof body !== 'function') throw new Error('whileLoop: cond and body must be functions');
  const vars = flowTensors(loopVars, 'whileLoop: loopVars');
  const [out] = loopWithOutputs({ cond: (v) => cond(...v), body: (v) => [flowTensors(body(...v), 'whileLoop: body'), []], vars }, opts);
  return Array.isArray(loopVars) ? out : out[0];
}

/** A loop with per-iteration inputs and outputs (loopWithOutputs). */
export interface LoopSpec {
  cond: (vars: Tensor[]) => FlowItem;
  /** The next loop variables, and this iteration's outputs, from the variables and row i of each of `elems`. */
  body: (vars: Tensor[], rows: Tensor[]) => [Tensor[], Tensor[]];
  vars: Tensor[];
  /** Per-iteration inputs: iteration i reads row i of each (it must exist). */
  elems?: Tensor[];
}

/**
 * whileLoop with per-iteration inputs (iteration i reads row i of each of `elems`) and outputs
 * (stacked, [iterations, ...shape], next to the final loop variables): what tf.scan, tf.mapFn
 * and tf.nn.dynamicRnn are built on (TF builds them on TensorArrays). Differentiable in all, and
 * the gradients of the rows cost one row per iteration, as TensorArray's do.
 */
export function loopWithOutputs(spec: LoopSpec, opts: WhileLoopOptions = {}): [Tensor[], Tensor[]] {
  const { vars } = spec;
  const elems = spec.elems ?? [];
  if (!vars.length) throw new Error('whileLoop: loopVars is empty');
  const max = opts.maximumIterations;
  if (max !== undefined && (!Number.isInteger(max) || max < 0)) {
    throw new Error(`whileLoop: maximumIterations must be an integer >= 0, got ${String(max)}`);
  }
  const invariants = opts.shapeInvariants ?? vars.map((v) => v.shape as (number | null)[]);
  if (invariants.length !== vars.length) {
    throw new Error(`whileLoop: ${invariants.length} shapeInvariants for ${vars.length} loop variables`);
  }
  vars.forEach((v, k) => checkFits(v.shape, invariants[k], () =>
    `whileLoop: loop variable ${k} is ${v.dtype} ${shapeString(v.shape)}, which does not fit its shape invariant ${shapeString(invariants[k])}`));
  return executingEagerly()
    ? eagerLoop(spec, elems, max)
    : graphLoop(spec, elems, invariants, max, opts.name ?? 'while');
}

function checkNext(next: Tensor[], vars: Tensor[], invariants: (number | null)[][], where: string): Tensor[] {
  if (next.length !== vars.length) {
    throw new Error(`${where}: body returned ${next.length} value(s) for ${vars.length} loop variable(s)`);
  }
  next.forEach((t, k) => {
    const hint = () => `${where}: loop variable ${k} enters the loop as ${vars[k].dtype} ${shapeString(vars[k].shape)} but the body ` +
      `returns ${t.dtype} ${shapeString(t.shape)}; a loop variable keeps its dtype, and its shape unless shapeInvariants allow the change`;
    if (t.dtype !== vars[k].dtype) throw new Error(hint());
    checkFits(t.shape, invariants[k], hint);
  });
  return next;
}

function isTrue(p: FlowItem, where: string): boolean {
  const [t] = flowTensors(p, `${where}: cond`);
  return Boolean(checkBoolScalar(t, `${where}: cond's result`).dataSync()[0]);
}

function eagerLoop(spec: LoopSpec, elems: Tensor[], max?: number): [Tensor[], Tensor[]] {
  let vars = spec.vars;
  const free = vars.map((v) => v.shape.map(() => null));
  const rows = elems.map((e) => unstack(e));
  const outs: Tensor[][] = [];
  for (let i = 0; (max === undefined || i < max) && isTrue(spec.cond(vars), 'whileLoop'); i++) {
    const [next, out] = spec.body(vars, rows.map((r, j) => {
      if (i >= r.length) throw new Error(`whileLoop: iteration ${i} reads row ${i} of per-iteration input ${j}, which has ${r.length} rows`);
      return r[i];
    }));
    vars = checkNext(next, vars, free, 'whileLoop');
    outs.push(out);
  }
  // With no iteration the outputs' shapes are unknown eagerly: none come back (scan and mapFn
  // handle their eager case themselves).
  return [vars, outs.length ? outs[0].map((_, j) => stack(outs.map((o) => o[j]))) : []];
}

function graphLoop(spec: LoopSpec, elems: Tensor[], invariants: (number | null)[][], max: number | undefined, name: string): [Tensor[], Tensor[]] {
  const g = getDefaultGraph();
  const { vars } = spec;
  return buildControlFlow(g, name, (full, parent) => {
    const where = `whileLoop '${full}'`;
    const [condSub, bodySub] = [0, 1].map(() => new SubGraph(g, `tf.whileLoop '${full}'`, parent));
    const inputs = (s: SubGraph) => vars.map((v, k) => s.newInput(v.dtype, invariants[k], 'loop_var'));
    const [condVars, bodyVars] = [inputs(condSub), inputs(bodySub)];
    const bodyRows = elems.map((e) => {
      if (e.shape.length === 0) throw new Error(`${where}: a per-iteration input must have rows, got a scalar`);
      return bodySub.newInput(e.dtype, e.shape.slice(1), 'row');
    });
    const p = nameScope(`${full}/cond/`, () => condSub.build(() => {
      const [t] = flowTensors(spec.cond(condVars), `${where}: cond`);
      return condSub.capture(checkBoolScalar(t, `${where}: cond's result`));
    }));
    const [next, outs] = nameScope(`${full}/body/`, () => bodySub.build(() => {
      const [n, o] = spec.body(bodyVars, bodyRows);
      return [checkNext(n, vars, invariants, where).map((t) => bodySub.capture(t)), o.map((t) => bodySub.capture(t))];
    }));
    return buildWhileNode(g, full, vars, elems, invariants, max, [condSub, condVars, [p]], [bodySub, [...bodyVars, ...bodyRows], next], outs);
  });
}

type Fn = [SubGraph, Tensor[], Tensor[]];   // function, its own inputs (loop variables, rows), its results

function buildWhileNode(g: Graph, full: string, vars: Tensor[], elems: Tensor[], invariants: (number | null)[][], max: number | undefined,
  [condSub, condVars, condOut]: Fn, [bodySub, bodyInputs, bodyOut]: Fn, perIteration: Tensor[]): [Tensor[], Tensor[]] {
  const captured = unionOfCaptures([condSub, bodySub]);
  const condFeeds = [...condVars, ...captured.map((t) => condSub.inputFor(t))];
  const bodyFeeds = [...bodyInputs, ...captured.map((t) => bodySub.inputFor(t))];
  const outerControl = [...new Set([...condSub.outerControl, ...bodySub.outerControl])];
  const n = vars.length;
  const attrs: Attrs = { n, k: perIteration.length, e: elems.length, max_iterations: max ?? -1 };
  perIteration.forEach((t, j) => {
    attrs[`out${j}_shape`] = t.shape.map((d) => d ?? -1);
    attrs[`out${j}_dtype`] = t.dtype;
  });
  const op = controlDependencies(outerControl, () =>
    g.addOp('while', [...vars, ...elems, ...captured], attrs, {
      name: full,
      reserved: true,
      outputs: [
        ...vars.map((v, k) => ({ dtype: v.dtype, shape: invariants[k] })),
        // The history, for the gradient: per variable its values packed, and their shapes.
        ...vars.map((v) => ({ dtype: v.dtype, shape: [null] })),
        ...vars.map((v) => ({ dtype: 'int32' as const, shape: [null, v.shape.length] })),
        ...perIteration.map((t) => ({ dtype: t.dtype, shape: [null, ...t.shape] })),
      ],
      extra: { subplans: [condSub.subPlan(condFeeds, condOut), bodySub.subPlan(bodyFeeds, [...bodyOut, ...perIteration])] },
    }));
  whileInfo.set(op, { n, e: elems.length, body: bodySub, bodyFeeds, bodyResults: [...bodyOut, ...perIteration], saved: [] });
  return [op.outputs.slice(0, n), op.outputs.slice(3 * n)];
}

registerGrad('while', (dys, ctx) => {
  const op = ctx as unknown as Operation;
  const info = whileInfo.get(op);
  if (!info) throw new Error(`gradients: while node '${op.name}' has no body (imported graphs cannot be differentiated)`);
  const { n, e } = info;
  const k = info.bodyResults.length - n;
  const g = op.graph;
  const [vars, elems, captured, history] = [op.inputs.slice(0, n), op.inputs.slice(n, n + e), op.inputs.slice(n + e), op.outputs.slice(n, 3 * n)];
  if (!op.inputs.some((t) => isFloatDType(t.dtype))) return op.inputs.map(() => null);
  const grads = buildControlFlow(g, `${op.name.split('/').pop()}_grad`, (full, parent) => {
    const G = new SubGraph(g, `the gradient of tf.whileLoop '${op.name}'`, parent, info.body);
    // Per iteration: d(next vars) and d(this iteration's outputs) come in; d(vars), d(rows)
    // and d(captured) go out.
    const dIn = info.bodyResults.map((t, j) => G.newInput(t.dtype, t.shape, j < n ? 'dvar' : 'dout'));
    const own = info.bodyFeeds.slice(0, n + e);   // loop variables and rows
    const m = G.captured.length;
    const outs = nameScope(`${full}/body/`, () => {
      const d = replayGradients(info.body, G, info.bodyResults, [...own, ...G.captured.map((t) => G.inputFor(t))], dIn, `tf.whileLoop '${op.name}'`);
      // Tensors the gradient itself captured are not the loop's inputs: their d is never asked for.
      return [...d, ...G.captured.slice(m).map((t) => G.build(() => zerosLike(G.inputFor(t))))];
    });
    const gradCaptured = [...G.captured];
    const saved = savedForGradient(info.body, G, outs);
    const records = recordInLoop(op, info, saved);
    const node = g.addOp('while_grad', [...history, ...elems, ...gradCaptured, ...dys.slice(0, n), ...dys.slice(3 * n, 3 * n + k), ...records],
      { n, k, e, s: saved.length }, {
        name: full,
        reserved: true,
        outputs: [...vars, ...elems, ...gradCaptured].map((t) => ({ dtype: t.dtype, shape: t.shape })),
        extra: {
          // Fed the saved values, the gradient function does not run the body again.
          subplans: [G.subPlan([...own, ...gradCaptured.map((t) => G.inputFor(t)), ...dIn, ...saved], outs)],
        },
      });
    return { dOwn: node.outputs.slice(0, n + e), dCaptured: new Map(gradCaptured.map((t, j) => [t.id, node.outputs[n + e + j]])) };
  });
  const floatOr = (t: Tensor, d: Tensor | undefined) => (isFloatDType(t.dtype) && d ? d : null);
  return [...[...vars, ...elems].map((v, j) => floatOr(v, grads.dOwn[j])), ...captured.map((t) => floatOr(t, grads.dCaptured.get(t.id)))];
});

/**
 * The body's tensors the gradient function reads (its own ops' inputs, and results that are body
 * tensors), but not the body's inputs or constants: fed these, its sub-plan needs none of the
 * body's ops, so the gradient does not compute each iteration again (TF's while_v2 keeps such
 * intermediates in accumulators the same way).
 */
function savedForGradient(body: SubGraph, grad: SubGraph, results: Tensor[]): Tensor[] {
  const saved = new Map<number, Tensor>();
  const consider = (t: Tensor) => {
    const o = t.op as Operation;
    if (body.ops.has(o) && o.type !== 'subgraph_input' && o.type !== 'const') saved.set(t.id, t);
  };
  for (const o of grad.ops) if (!body.ops.has(o)) o.inputs.forEach(consider);
  results.forEach(consider);
  return [...saved.values()];
}

/**
 * Makes the forward loop record `saved` per iteration (the body fetches them too, and the node
 * gets a (packed, shapes) output pair for each new one; plans compiled before are unaffected);
 * returns those pairs, in `saved`'s order.
 */
function recordInLoop(op: Operation, info: WhileInfo, saved: Tensor[]): Tensor[] {
  const base = 3 * info.n + (info.bodyResults.length - info.n);
  for (const t of saved) {
    if (info.saved.includes(t)) continue;
    info.saved.push(t);
    op.extra.subplans![1].fetches.push(t);
    op.attrs.s = info.saved.length;
    const at = op.outputs.length;
    op.outputs.push(new Tensor(t.dtype, [null] as unknown as number[], { op, index: at }),
      new Tensor('int32', [null, t.shape.length] as unknown as number[], { op, index: at + 1 }));
  }
  return saved.flatMap((t) => {
    const j = info.saved.indexOf(t);
    return [op.outputs[base + 2 * j], op.outputs[base + 2 * j + 1]];
  });
}

registerGrad('while_grad', (_dys, ctx) => {
  throw new Error(`gradients: '${(ctx as unknown as Operation).name}' is the gradient of a tf.whileLoop; ` +
    'gradients of it (second order through a loop) are not supported');
});
