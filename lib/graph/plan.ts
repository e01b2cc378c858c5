/**
 * Compiles (fetches, feeds) into a native execution plan: prune the graph to what the fetches
 * need (stopping at fed tensors), order by creation (topological), give every value a slot,
 * fuse conv2d + bias + activation chains (fuse.ts), and free each slot after its last use. One
 * plan per signature, cached by the Session. Control-flow nodes (tf.cond, tf.whileLoop) carry
 * their functions as sub-plans, compiled the same way (cpp/graph/control_flow.h).
 */
import { shapeString } from '../dtype.js';
import type { Attrs, NativeHandle } from '../native.js';
import type { Tensor } from '../tensor.js';
import { findFusions } from './fuse.js';
import type { BuildContext, Operation, SubPlan } from './graph.js';
import { SPECIAL_TYPES } from './graph.js';
import { isStateful } from './op_traits.js';

export interface PlanStep {
  kind: 'op' | 'var_read' | 'assign' | 'assign_add' | 'assign_sub' | 'cond' | 'while' | 'while_grad';
  op?: string;
  node: string;
  inputs: number[];
  outputs: number[];
  attrs: Attrs;
  stateful: boolean;
  varId?: number;
  free: number[];
  /** The node's tf.device ('' = automatic placement). */
  device: string;
  /** Control-flow steps: their functions' plans. */
  subplans?: PlanSpec[];
}

export interface PlanSpec {
  numSlots: number;
  consts: { slot: number; value: NativeHandle }[];
  feeds: number[];
  fetches: number[];
  steps: PlanStep[];
}

/** The ops a run of `fetchTensors` and `targets` needs: inputs and control inputs, not past fed tensors. */
export function neededOps(fetchTensors: Tensor[], targets: Operation[], fedIds: Set<number>): Set<Operation> {
  const needed = new Set<Operation>();
  const stack: Operation[] = [...targets];
  for (const t of fetchTensors) if (!fedIds.has(t.id)) stack.push(t.op as Operation);
  while (stack.length) {
    const op = stack.pop()!;
    if (needed.has(op)) continue;
    needed.add(op);
    for (const t of op.inputs) if (!fedIds.has(t.id)) stack.push(t.op as Operation);
    stack.push(...op.controlInputs);
  }
  return needed;
}

/**
 * Fetch targets: tensors whose values come back, ops that only run. `context`: the control-flow
 * function whose sub-plan this is (null: a Session.run).
 */
export function compilePlan(fetchTensors: Tensor[], targets: Operation[], fed: Tensor[], context: BuildContext | null = null): PlanSpec {
  const fedIds = new Set(fed.map((t) => t.id));
  const needed = neededOps(fetchTensors, targets, fedIds);
  const order = [...needed].sort((a, b) => a.id - b.id);
  // An op built inside a control-flow function runs only as part of that function's sub-plan.
  const foreign = order.find((op) => (context ? !context.owns(op) : op.context !== null) || op.type === 'subgraph_input');
  if (foreign) {
    throw new Error(`${foreign.name} was built inside ${foreign.context?.description ?? 'another function'}, ` +
      'which runs it; fetch the outputs of the cond or loop instead');
  }
  const fusions = findFusions(order, new Set([...fetchTensors.map((t) => t.id), ...fedIds]));
  // Tensors some step or fetch reads: a loop records its history only when its gradient does.
  const read = new Set(fetchTensors.map((t) => t.id));
  for (const op of order) for (const t of op.inputs) read.add(t.id);

  let numSlots = 0;
  const slotOf = new Map<number, number>();
  const feeds = fed.map((t) => {
    const s = numSlots++;
    slotOf.set(t.id, s);
    return s;
  });
  const consts: PlanSpec['consts'] = [];
  const steps: PlanStep[] = [];
  // An output nobody reads (or one that is fed) still needs a slot to be written to.
  const outSlot = (t: Tensor) => {
    if (fedIds.has(t.id)) return numSlots++;
    const s = numSlots++;
    slotOf.set(t.id, s);
    return s;
  };
  const inSlot = (t: Tensor, op: Operation) => {
    const s = slotOf.get(t.id);
    if (s === undefined) throw new Error(`internal: ${t.name} used by ${op.name} before it is computed`);
    return s;
  };

  for (const op of order) {
    const device = op.device ?? '';
    const base = { node: op.name, attrs: {}, stateful: false, free: [] as number[], device };
    if (fusions.absorbed.has(op)) continue;
    const fused = fusions.at.get(op);
    if (fused) {
      const inputs = fused.inputs.map((t) => inSlot(t, op));
      steps.push({ ...base, node: fused.node, kind: 'op', op: fused.op, attrs: fused.attrs, inputs, outputs: [outSlot(fused.output)] });
      continue;
    }
    switch (op.type) {
      case 'const':
        consts.push({ slot: outSlot(op.outputs[0]), value: op.extra.value!.nativeHandle('const') });
        break;
      case 'placeholder': {
        const t = op.outputs[0];
        throw new Error(
          `You must feed a value for placeholder tensor '${op.name}' with dtype ${t.dtype} and shape ${shapeString(t.shape)}`,
        );
      }
      case 'placeholder_with_default':
        steps.push({ ...base, kind: 'op', op: 'identity', inputs: [inSlot(op.inputs[0], op)], outputs: [outSlot(op.outputs[0])] });
        break;
      case 'variable':
        steps.push({ ...base, kind: 'var_read', varId: op.extra.varId, inputs: [], outputs: [outSlot(op.outputs[0])] });
        break;
      case 'assign':
      case 'assign_add':
      case 'assign_sub':
        steps.push({ ...base, kind: op.type, varId: op.extra.varId, inputs: [inSlot(op.inputs[0], op)], outputs: op.outputs.map(outSlot) });
        break;
      case 'no_op':
        break;
      case 'cond':
      case 'while':
      case 'while_grad': {
        const [used, attrs] = controlUse(op, (t) => read.has(t.id));
        steps.push({
          ...base,
          kind: op.type,
          attrs,
          inputs: op.inputs.map((t) => inSlot(t, op)),
          outputs: op.outputs.map(outSlot),
          subplans: op.extra.subplans!.map((p, i) => compileSubPlan(p, used[i])),
        });
        break;
      }
      default:
        if (SPECIAL_TYPES.has(op.type)) throw new Error(`internal: unhandled node type ${op.type}`);
        steps.push({
          ...base,
          kind: 'op',
          op: op.type,
          attrs: op.attrs,
          stateful: isStateful(op.type),
          inputs: op.inputs.map((t) => inSlot(t, op)),
          outputs: op.outputs.map(outSlot),
        });
    }
  }

  const fetches = fetchTensors.map((t) => {
    const s = slotOf.get(t.id);
    if (s === undefined) throw new Error(`internal: fetched ${t.name} has no slot`);
    return s;
  });
  freeAfterLastUse(steps, new Set([...fetches, ...consts.map((c) => c.slot)]), numSlots);
  return { numSlots, consts, feeds, fetches, steps };
}

/**
 * Per sub-plan of a control-flow node, which of its fetches the plan needs, and the step's
 * attrs. A cond's branches compute the outputs something reads. A loop's body computes the next
 * variables always, the per-iteration outputs something reads, and the values saved for the
 * gradient when the plan records the iterations (its gradient reads the history). A loop
 * gradient computes the gradients of the loop variables always (they feed the next, earlier
 * iteration), the others when read.
 */
function controlUse(op: Operation, isRead: (t: Tensor) => boolean): [boolean[][], Attrs] {
  const n = op.attrs.n as number;
  if (op.type === 'cond') {
    const outputs = op.outputs.map(isRead);
    return [[outputs, outputs], op.attrs];
  }
  if (op.type === 'while_grad') return [[[...op.outputs.slice(0, n).map(() => true), ...op.outputs.slice(n).map(isRead)]], op.attrs];
  const [k, saved] = [op.attrs.k as number, (op.attrs.s as number | undefined) ?? 0];
  const record = op.outputs.slice(n, 3 * n).some(isRead) || op.outputs.slice(3 * n + k).some(isRead);
  const body = [...Array(n).fill(true), ...op.outputs.slice(3 * n, 3 * n + k).map(isRead), ...Array(saved).fill(record)];
  return [[[true], body], { ...op.attrs, record }];
}

/**
 * A control-flow function's plan, computing only the fetches marked `used`; the others are
 * fetched as -1 (nothing reads them, so they are not computed: a loop gradient that an
 * optimizer asks only for the weights skips the gradient of the input sequence).
 */
function compileSubPlan(p: SubPlan, used: boolean[]): PlanSpec {
  const spec = compilePlan(p.fetches.filter((_, i) => used[i]), p.targets, p.feeds, p.context);
  let k = 0;
  spec.fetches = used.map((u) => (u ? spec.fetches[k++] : -1));
  return spec;
}

/** Marks each slot to be freed right after the last step that reads (or writes) it. */
function freeAfterLastUse(steps: PlanStep[], keep: Set<number>, numSlots: number): void {
  const last = new Array<number>(numSlots).fill(-1);
  steps.forEach((st, i) => {
    for (const s of st.inputs) last[s] = i;
    for (const s of st.outputs) last[s] = Math.max(last[s], i);
  });
  last.forEach((i, s) => {
    if (i >= 0 && !keep.has(s)) steps[i].free.push(s);
  });
}
