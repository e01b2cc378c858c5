/**
 * Graph nodes <-> JSON (the `graph.node` list of a meta graph, docs/METAGRAPH.md): one NodeDef
 * per Operation, in creation order (a topological order), with TF's input strings ("node",
 * "node:1", "^control"), our op type, attrs, device, output dtypes and static shapes, and what
 * the special node types carry (a const's value, a variable's initializer, an assign's target).
 */
import type { DType } from '../dtype.js';
import { isDType, shapeString } from '../dtype.js';
import type { Attrs, NativeMeta } from '../native.js';
import { native } from '../native.js';
import type { Tensor } from '../tensor.js';
import type { Graph } from './graph.js';
import { Operation, SPECIAL_TYPES } from './graph.js';
import type { JsonAttr, TensorValueDef } from './serialize_values.js';
import { decodeAttrs, decodeValue, encodeAttrs, encodeValue } from './serialize_values.js';
import { bindInitializer, Variable, variableFromNode } from './variables.js';

export interface NodeDef {
  name: string;
  /** A native op name, or a graph node kind: const, placeholder, variable, assign, no_op… */
  op: string;
  input?: string[];
  device?: string;
  attr?: Record<string, JsonAttr>;
  output: { dtype: DType; shape: (number | null)[] }[];
  /** const: the value. */
  value?: TensorValueDef;
  /** variable: trainable flag, its initializer op and the initial value tensor it assigns. */
  variable?: { trainable: boolean; initializer: string | null; initialValue: string | null };
  /** assign, assign_add, assign_sub: the variable node written. */
  ref?: string;
}

// The native op names never change while the process runs.
let nativeOps: Set<string> | null = null;
const isNativeOp = (type: string) => (nativeOps ??= new Set(native.listOps())).has(type);

/** Node kinds of tf.cond / tf.whileLoop: their functions live outside the node list. */
const CONTROL_FLOW = new Set(['cond', 'while', 'while_grad', 'subgraph_input']);

// ---------------------------------------------------------------- export

const inputName = (t: Tensor) => (t.valueIndex ? `${t.op!.name}:${t.valueIndex}` : t.op!.name);

/** The kind-specific fields of a node; `varNames` maps varId -> variable node name. */
function specialFields(op: Operation, node: NodeDef, varNames: Map<number, string>): void {
  const what = `exportMetaGraph: node '${op.name}' (${op.type})`;
  if (CONTROL_FLOW.has(op.type)) {
    throw new Error(`${what} is part of a tf.cond or tf.whileLoop, whose functions cannot be written to a meta graph yet`);
  }
  if (op.type === 'const') {
    if (!op.extra.value) throw new Error(`${what} has no value`);
    node.value = encodeValue(op.extra.value);
  } else if (op.type === 'variable') {
    const v = op.outputs[0];
    if (!(v instanceof Variable)) throw new Error(`${what} has no tf.Variable`);
    node.variable = {
      trainable: v.trainable,
      initializer: v.initializer?.name ?? null,
      // What the initializer assigns (a host initial value became a const node there).
      initialValue: v.initializer?.inputs[0]?.name ?? null,
    };
  } else if (op.type.startsWith('assign')) {
    const ref = varNames.get(op.extra.varId!);
    if (!ref) throw new Error(`${what} writes a variable that is not in this graph`);
    node.ref = ref;
  }
}

/** Every node of `g` as a NodeDef. Throws, naming the node, for what cannot be written. */
export function exportNodes(g: Graph): NodeDef[] {
  const varNames = new Map<number, string>();
  for (const op of g.operations) if (op.type === 'variable') varNames.set(op.extra.varId!, op.name);
  return g.operations.map((op) => {
    if (!SPECIAL_TYPES.has(op.type) && !isNativeOp(op.type)) {
      throw new Error(`exportMetaGraph: node '${op.name}' has type '${op.type}', which is ` +
        'neither a native op nor a graph node kind that can be written');
    }
    const input = [...op.inputs.map(inputName), ...op.controlInputs.map((c) => `^${c.name}`)];
    const node = { name: op.name, op: op.type } as NodeDef;
    if (input.length) node.input = input;
    if (op.device) node.device = op.device;
    const attr = encodeAttrs(op.attrs, `exportMetaGraph: node '${op.name}' (${op.type})`);
    if (attr) node.attr = attr;
    node.output = op.outputs.map((t) => ({ dtype: t.dtype, shape: [...t.shape] }));
    specialFields(op, node, varNames);
    return node;
  });
}

// ---------------------------------------------------------------- import

export interface ImportNodesOptions {
  /** Prefix for every name: "scope/…". */
  scope?: string;
  /** Drop the recorded devices. */
  clearDevices?: boolean;
}

const validDim = (d: unknown) => d === null || (Number.isSafeInteger(d) && (d as number) >= 0);

function checkMeta(o: unknown, what: string): NativeMeta {
  const m = o as NativeMeta;
  if (!m || !isDType(m.dtype) || !Array.isArray(m.shape) || !m.shape.every(validDim)) {
    const shown = JSON.stringify(o);
    throw new Error(`${what}: bad output ${shown} (expected { dtype, shape }, null: unknown dim)`);
  }
  return { dtype: m.dtype, shape: [...m.shape] };
}

/** Inferred outputs must agree with the recorded ones (else the file is corrupt or edited). */
function checkInferred(
  type: string, inputs: Tensor[], attrs: Attrs, want: NativeMeta[], what: string,
): void {
  let got: NativeMeta[];
  try {
    got = native.inferShapes(type, inputs.map((t) => ({ dtype: t.dtype, shape: t.shape })), attrs);
  } catch (e) {
    throw new Error(`${what}: ${(e as Error).message}`);
  }
  const dimFits = (d: number | null, e: number | null) => d === null || e === null || d === e;
  const fits = (a: NativeMeta, b: NativeMeta) => a.dtype === b.dtype &&
    a.shape.length === b.shape.length && a.shape.every((d, i) => dimFits(d, b.shape[i]));
  if (got.length !== want.length || !got.every((m, i) => fits(m, want[i]))) {
    const show = (ms: NativeMeta[]) =>
      ms.map((m) => `${m.dtype} ${shapeString(m.shape)}`).join(', ');
    throw new Error(`${what}: recorded outputs [${show(want)}] do not match the op's shape rule ` +
      `[${show(got)}] for its inputs`);
  }
}

/** The tensor "node:i" (or "node") among imported ops, by original name. */
export function tensorIn(ops: Map<string, Operation>, name: string, what: string): Tensor {
  const m = /^(.*?)(?::(\d+))?$/.exec(String(name))!;
  const op = ops.get(m[1]);
  if (!op) throw new Error(`${what}: refers to '${m[1]}', which is not a node defined before it`);
  const t = op.outputs[Number(m[2] ?? 0)];
  if (!t) throw new Error(`${what}: input '${name}': '${m[1]}' has ${op.outputs.length} output(s)`);
  return t;
}

function opIn(ops: Map<string, Operation>, name: string, what: string): Operation {
  const op = ops.get(name);
  if (!op) throw new Error(`${what}: refers to '${name}', which is not a node defined before it`);
  return op;
}

/** Adds one node; `ops` holds the nodes imported so far, by original name. */
function importNode(
  g: Graph, node: NodeDef, ops: Map<string, Operation>, opts: ImportNodesOptions,
): Operation {
  const what = `importMetaGraph: node '${node.name}'`;
  const special = SPECIAL_TYPES.has(node.op) && !CONTROL_FLOW.has(node.op);
  if (!special && !isNativeOp(node.op)) throw new Error(`${what}: unknown op '${node.op}'`);
  if (!Array.isArray(node.output)) {
    throw new Error(`${what}: 'output' must be an array of { dtype, shape }`);
  }
  const outputs = node.output.map((o) => checkMeta(o, what));
  const inputs: Tensor[] = [];
  const control: Operation[] = [];
  for (const s of node.input ?? []) {
    if (typeof s !== 'string') {
      throw new Error(`${what}: inputs must be strings, got ${JSON.stringify(s)}`);
    }
    if (s.startsWith('^')) control.push(opIn(ops, s.slice(1), what));
    else inputs.push(tensorIn(ops, s, what));
  }
  const attrs = decodeAttrs(node.attr, what);
  const name = opts.scope ? `${opts.scope}/${node.name}` : node.name;
  const device = opts.clearDevices || node.device === undefined ? null : String(node.device);
  const extra: Operation['extra'] = {};
  if (node.op === 'const') extra.value = decodeValue(node.value as TensorValueDef, what);
  if (node.op.startsWith('assign')) {
    const target = opIn(ops, String(node.ref), `${what} ('ref')`).outputs[0];
    if (!(target instanceof Variable)) {
      throw new Error(`${what}: 'ref' ${node.ref} is not a variable node`);
    }
    extra.varId = target.varId;
  }
  const defined = outputs.length === 1 && outputs[0].shape.every((d) => d !== null);
  if (node.op === 'variable' && !defined) {
    throw new Error(`${what}: a variable needs one fully defined output`);
  }
  if (!special) checkInferred(node.op, inputs, attrs, outputs, what);
  return g.addOp(node.op, inputs, attrs, { exact: { name, control, device }, extra, outputs });
}

/**
 * Adds the nodes to `g` with exactly their names (plus the scope), inputs, control inputs,
 * device, attrs and shapes, and recreates the Variable objects. Returns the new ops by their
 * original names.
 */
export function importNodes(
  g: Graph, nodes: NodeDef[], opts: ImportNodesOptions = {},
): Map<string, Operation> {
  if (!Array.isArray(nodes)) throw new Error("importMetaGraph: 'graph.node' must be an array");
  const ops = new Map<string, Operation>();
  const vars: [Variable, NodeDef][] = [];
  for (const node of nodes) {
    if (!node || typeof node.name !== 'string' || !node.name || typeof node.op !== 'string') {
      const shown = JSON.stringify(node)?.slice(0, 120);
      throw new Error(`importMetaGraph: every node needs a string 'name' and 'op', got ${shown}`);
    }
    if (ops.has(node.name)) throw new Error(`importMetaGraph: node '${node.name}' appears twice`);
    const op = importNode(g, node, ops, opts);
    if (node.op === 'variable') {
      vars.push([variableFromNode(op, node.variable?.trainable ?? true), node]);
    }
    ops.set(node.name, op);
  }
  // Initializers come after their variables in the graph: bind them once all nodes exist.
  for (const [v, node] of vars) {
    const what = `importMetaGraph: variable '${node.name}'`;
    const { initializer, initialValue } = node.variable ?? {};
    bindInitializer(v, initializer ? opIn(ops, initializer, what) : null,
      initialValue ? tensorIn(ops, initialValue, what) : null);
  }
  return ops;
}
