/**
 * Keras connectivity: every call of a layer on symbolic tensors makes a Node (the inputs it was
 * called on, the outputs it made), and each output tensor remembers its (layer, node, index),
 * Keras' `_keras_history`. Functional models are rebuilt from these links.
 */
import type { Operation } from '../../graph/graph.js';
import type { Tensor } from '../../tensor.js';
import type { Layer } from './layer.js';

/** What a layer call was given besides its inputs (kept so models can replay and save calls). */
export interface CallArgs {
  /** Training mode for this call: true/false, or a bool tensor (default: the learning phase). */
  training?: boolean | Tensor;
}

export class Node {
  /** BatchNormalization's moving-average assignments made by this call. */
  readonly updates: Operation[] = [];

  /** @internal */
  constructor(
    readonly layer: Layer,
    readonly inputs: Tensor[],
    readonly outputs: Tensor[],
    readonly callArgs: CallArgs,
  ) {}
}

export interface KerasHistory {
  layer: Layer;
  nodeIndex: number;
  tensorIndex: number;
}

const histories = new WeakMap<Tensor, KerasHistory>();

/** The layer call that produced t, or undefined for tensors not made by Keras layers. */
export function getHistory(t: Tensor): KerasHistory | undefined {
  return histories.get(t);
}

/** @internal */
export function setHistory(t: Tensor, h: KerasHistory): void {
  histories.set(t, h);
}

/** The Node that produced t (from its history), or undefined. */
export function producerNode(t: Tensor): Node | undefined {
  const h = histories.get(t);
  return h ? h.layer.inboundNodes[h.nodeIndex] : undefined;
}
