/**
 * The rewrite a Session applies when it compiles a plan, as TF's grappler remapper does:
 * conv2d → add(bias vector) → relu | relu6 | elu runs as one fused_conv2d step, whose kernel adds
 * the bias and applies the activation while the conv's output is still in cache (conv2d → add
 * alone fuses too, with no activation). The graph is not changed: gradients, serialization and
 * fetches still see the original nodes; only the plan runs them as one kernel.
 *
 * A chain fuses only when each intermediate value has no other reader in the plan, is neither
 * fetched nor fed, and no node depends on its op by control; the bias must be a vector of the
 * conv's output channels with its dtype, and all nodes must ask for the same device. In
 * training the pattern still holds: conv2d's gradients read its inputs, add's reads nothing,
 * and relu's, relu6's and elu's read the activation's output (lib/ops/unary.ts).
 *
 * NODEFLOW_FUSION=0 turns the rewrite off (to compare, or to rule it out).
 */
import type { Attrs } from '../native.js';
import type { FusedActivation } from '../ops/conv.js';
import { FUSED_ACTIVATIONS } from '../ops/conv.js';
import type { Tensor } from '../tensor.js';
import type { Operation } from './graph.js';

/** One fused step: replaces the ops of its chain, at the position of the chain's last op. */
export interface FusedStep {
  op: 'fused_conv2d';
  /** The conv2d node's name: errors and NODEFLOW_PROFILE=nodes name the chain by it. */
  node: string;
  inputs: Tensor[];
  attrs: Attrs;
  /** The chain's last value (the activation's, or the add's). */
  output: Tensor;
}

export interface Fusions {
  /** Ops whose work a fused step does: the plan emits nothing for them. */
  absorbed: Set<Operation>;
  /** The last op of each chain → the step emitted in its place. */
  at: Map<Operation, FusedStep>;
}

export function fusionEnabled(): boolean {
  return process.env.NODEFLOW_FUSION !== '0';
}

/**
 * Chains to fuse among `order` (the plan's ops, topologically sorted). `pinned`: ids of tensors
 * the run fetches or feeds, whose values must exist as they are.
 */
export function findFusions(order: Operation[], pinned: Set<number>): Fusions {
  const fusions: Fusions = { absorbed: new Set(), at: new Map() };
  if (!fusionEnabled()) return fusions;
  const readers = new Map<number, Operation[]>();
  const controlling = new Set<Operation>();
  for (const op of order) {
    for (const t of op.inputs) {
      const list = readers.get(t.id);
      if (list) list.push(op);
      else readers.set(t.id, [op]);
    }
    for (const c of op.controlInputs) controlling.add(c);
  }
  // The op that alone reads t (t is an intermediate the chain may swallow), if any.
  const soleReader = (t: Tensor): Operation | undefined => {
    const r = readers.get(t.id);
    if (pinned.has(t.id) || controlling.has(t.op as Operation) || r?.length !== 1) return undefined;
    return r[0];
  };
  const isActivation = (type: string) => type !== '' && FUSED_ACTIVATIONS.includes(type as FusedActivation);

  for (const conv of order) {
    if (conv.type !== 'conv2d') continue;
    const y = conv.outputs[0];
    const add = soleReader(y);
    if (!add || add.type !== 'add' || add.inputs[0] !== y || add.device !== conv.device) continue;
    const bias = add.inputs[1];
    const channels = y.shape[3];
    if (bias.shape.length !== 1 || channels === null || bias.shape[0] !== channels || bias.dtype !== y.dtype) continue;
    const act = soleReader(add.outputs[0]);
    const withAct = act !== undefined && isActivation(act.type) && act.device === conv.device;
    const last = withAct ? act : add;
    fusions.absorbed.add(conv);
    if (withAct) fusions.absorbed.add(add);
    fusions.at.set(last, {
      op: 'fused_conv2d',
      node: conv.name,
      inputs: [conv.inputs[0], conv.inputs[1], bias],
      attrs: { ...conv.attrs, activation: withAct ? act.type : '' },
      output: last.outputs[0],
    });
  }
  return fusions;
}
