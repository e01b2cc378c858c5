/**
 * TF's functional ops over the rows of a tensor: tf.foldl, tf.foldr, tf.scan and tf.mapFn. In a
 * graph each is one whileLoop that reads row i of `elems` as a per-iteration input (so the rows
 * may be as many as the data has at run time, and the gradient of the rows costs one row per
 * iteration); scan and mapFn stack their per-row results through the loop's per-iteration
 * outputs (loopWithOutputs, a JavaScript loop eagerly). All differentiable. `elems` is one
 * tensor (TF also takes nested structures).
 */
import { constant } from '../ops/creation.js';
import { add, less } from '../ops/binary.js';
import { gather } from '../ops/index_ops.js';
import { shape } from '../ops/core.js';
import { concat, expandDims, reverse, slice } from '../ops/shape.js';
import type { Tensor } from '../tensor.js';
import type { FlowItem } from './cond.js';
import { flowTensors } from './cond.js';
import { loopWithOutputs } from './while_loop.js';

export interface FoldOptions {
  /** The first accumulator (default: the first row, and the fold starts at the second). */
  initializer?: Tensor;
  name?: string;
}

export interface ScanOptions extends FoldOptions {
  /** Scan from the last row to the first (the results keep the rows' order). */
  reverse?: boolean;
}

const int = (v: number) => constant(v, 'int32');
/** The number of rows of elems, at run time. */
const rowCount = (elems: Tensor) => gather(shape(elems), int(0));

function checkElems(elems: Tensor, what: string): void {
  if (!elems || typeof (elems as Tensor).dtype !== 'string') throw new Error(`${what}: elems must be a Tensor`);
  if (elems.shape.length === 0) throw new Error(`${what}: elems must have at least one dimension, got a scalar`);
}

/**
 * fn(…fn(fn(initializer, elems[0]), elems[1])…, elems[n-1]): a running accumulation over the
 * rows (TF's tf.foldl). Without an initializer the first row starts it.
 *
 *   const total = tf.foldl((acc, x) => tf.add(acc, x), xs);
 */
export function foldl(fn: (acc: Tensor, x: Tensor) => FlowItem, elems: Tensor, opts: FoldOptions = {}): Tensor {
  return fold(fn, elems, opts, false, 'foldl');
}

/** Like foldl, from the last row to the first (TF's tf.foldr). */
export function foldr(fn: (acc: Tensor, x: Tensor) => FlowItem, elems: Tensor, opts: FoldOptions = {}): Tensor {
  return fold(fn, elems, opts, true, 'foldr');
}

function fold(fn: (acc: Tensor, x: Tensor) => FlowItem, elems: Tensor, opts: FoldOptions, fromEnd: boolean, what: string): Tensor {
  checkElems(elems, what);
  const step = (acc: Tensor, x: Tensor) => flowTensors(fn(acc, x), `${what}: fn`)[0];
  const x = fromEnd ? reverse(elems, [0]) : elems;
  const [first, rest] = firstAndRest(x, opts.initializer, what);
  const n = rowCount(rest);
  const [[, acc]] = loopWithOutputs({
    cond: ([i]) => less(i, n),
    body: ([i, acc], [row]) => [[add(i, 1), step(acc, row)], []],
    vars: [int(0), first],
    elems: [rest],
  }, { name: opts.name ?? what });
  return acc;
}

/** The start of a fold or scan (the initializer, else the first row) and the rows it reads. */
function firstAndRest(x: Tensor, initializer: Tensor | undefined, what: string): [Tensor, Tensor] {
  if (initializer) return [initializer, x];
  if (x.shape[0] === 0) throw new Error(`${what}: elems has no rows and there is no initializer`);
  return [gather(x, int(0)), slice(x, [1, ...x.shape.slice(1).map(() => 0)], x.shape.map(() => -1))];
}

/** The stacked per-row results, which an eager loop over no rows cannot give. */
function stacked(outs: Tensor[], k: number, what: string): Tensor[] {
  if (outs.length < k) throw new Error(`${what}: elems has no rows: the shape of the result is unknown eagerly`);
  return outs;
}

/**
 * The accumulator after every row, stacked (TF's tf.scan): row i of the result is
 * fn(result[i-1], elems[i]), with result[-1] = initializer (without one, result[0] = elems[0]).
 *
 *   const cumulative = tf.scan((acc, x) => tf.add(acc, x), xs);
 */
export function scan(fn: (acc: Tensor, x: Tensor) => FlowItem, elems: Tensor, opts: ScanOptions = {}): Tensor {
  checkElems(elems, 'scan');
  const step = (acc: Tensor, x: Tensor) => flowTensors(fn(acc, x), 'scan: fn')[0];
  const rev = opts.reverse ?? false;
  const x = rev ? reverse(elems, [0]) : elems;
  const [first, rest] = firstAndRest(x, opts.initializer, 'scan');
  const n = rowCount(rest);
  const [, outs] = loopWithOutputs({
    cond: ([i]) => less(i, n),
    body: ([i, acc], [row]) => {
      const next = step(acc, row);
      return [[add(i, 1), next], [next]];
    },
    vars: [int(0), first],
    elems: [rest],
  }, { name: opts.name ?? 'scan' });
  // Without an initializer the first row is the first result too.
  const all = opts.initializer ? stacked(outs, 1, 'scan')[0]
    : outs.length ? concat([expandDims(first, 0), outs[0]], 0) : expandDims(first, 0);
  return rev ? reverse(all, [0]) : all;
}

/**
 * fn applied to every row, the results stacked (TF's tf.map_fn). fn may return several tensors:
 * then a list of stacked tensors comes back.
 *
 *   const norms = tf.mapFn((row) => tf.sqrt(tf.reduceSum(tf.square(row))), matrix);
 */
export function mapFn(fn: (x: Tensor) => FlowItem, elems: Tensor, opts?: { name?: string }): Tensor;
export function mapFn(fn: (x: Tensor) => FlowItem[], elems: Tensor, opts?: { name?: string }): Tensor[];
export function mapFn(fn: (x: Tensor) => FlowItem | FlowItem[], elems: Tensor, opts: { name?: string } = {}): Tensor | Tensor[] {
  checkElems(elems, 'mapFn');
  let many = false;
  const apply = (row: Tensor) => {
    const value = fn(row);
    many = Array.isArray(value);
    return flowTensors(value, 'mapFn: fn');
  };
  const n = rowCount(elems);
  const out = stacked(loopWithOutputs({
    cond: ([i]) => less(i, n),
    body: ([i], [row]) => [[add(i, 1)], apply(row)],
    vars: [int(0)],
    elems: [elems],
  }, { name: opts.name ?? 'map' })[1], 1, 'mapFn');
  return many ? out : out[0];
}
