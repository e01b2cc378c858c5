/**
 * The graph of layer calls between a functional model's inputs and outputs: found by walking the
 * tensors' Keras history back from the outputs, ordered so every node comes after the nodes it
 * reads. A model can then be replayed on new inputs (a model used as a layer).
 */
import type { Tensor } from '../../tensor.js';
import { InputLayer } from './input_layer.js';
import type { Layer } from './layer.js';
import type { CallArgs, Node } from './node.js';
import { getHistory, producerNode } from './node.js';

export interface Network {
  inputs: Tensor[];
  outputs: Tensor[];
  /** Every layer call from inputs to outputs, in dependency order (input nodes first). */
  nodes: Node[];
  /** Each layer once, in the order of its first node (input layers first). */
  layers: Layer[];
}

/** Finds the network between `inputs` and `outputs`; throws if an output needs another input. */
export function buildNetwork(inputs: Tensor[], outputs: Tensor[], what: string): Network {
  inputs.forEach((t, i) => {
    const node = producerNode(t);
    if (!node || !(node.layer instanceof InputLayer)) {
      throw new Error(
        `${what}: input ${i} (${t?.name ?? String(t)}) must come from tf.keras.Input (an ` +
          `InputLayer), not from another layer`,
      );
    }
  });
  if (new Set(inputs).size !== inputs.length) {
    throw new Error(`${what}: the same input is listed twice`);
  }
  outputs.forEach((t, i) => {
    if (!producerNode(t)) {
      throw new Error(
        `${what}: output ${i} (${t?.name ?? String(t)}) is not the output of a tf.keras layer`,
      );
    }
  });
  const nodes: Node[] = [];
  const done = new Set<Node>();
  const active = new Set<Node>();
  const reached: string[] = [];
  const visit = (t: Tensor): void => {
    const node = producerNode(t)!;
    if (done.has(node)) return;
    if (active.has(node)) {
      throw new Error(`${what}: the layer graph has a cycle at layer '${node.layer.name}'`);
    }
    if (node.layer instanceof InputLayer) {
      if (!inputs.includes(t)) {
        throw new Error(
          `${what}: graph disconnected: cannot obtain value for tensor ${t.name} at layer ` +
            `'${node.layer.name}' (not among the model's inputs). The following previous layers ` +
            `were accessed without issue: [${reached.join(', ')}]`,
        );
      }
    } else {
      active.add(node);
      for (const x of node.inputs) {
        if (!getHistory(x)) {
          throw new Error(
            `${what}: layer '${node.layer.name}' was called on ${x.name}, which no tf.keras ` +
              `layer produced`,
          );
        }
        visit(x);
      }
      active.delete(node);
    }
    done.add(node);
    nodes.push(node);
    reached.push(node.layer.name);
  };
  outputs.forEach(visit);
  // Input nodes first, in the order of `inputs` (also inputs no output depends on).
  const inputNodes = inputs.map((t) => producerNode(t)!);
  const ordered = [...inputNodes, ...nodes.filter((n) => !inputNodes.includes(n))];
  const layers: Layer[] = [];
  for (const n of ordered) if (!layers.includes(n.layer)) layers.push(n.layer);
  const names = new Set<string>();
  for (const l of layers) {
    if (names.has(l.name)) {
      throw new Error(
        `${what}: the layer name '${l.name}' is used more than once; all layer names in a ` +
          `model must be unique`,
      );
    }
    names.add(l.name);
  }
  return { inputs, outputs, nodes: ordered, layers };
}

/** The index of `node` among its layer's nodes that belong to the network (model files). */
export function networkNodeIndex(net: Network, node: Node): number {
  return node.layer.inboundNodes.filter((n) => net.nodes.includes(n)).indexOf(node);
}

/** Applies the network's layers to new input tensors; returns the new outputs. */
export function runNetwork(net: Network, inputs: Tensor[], kwargs: CallArgs): Tensor[] {
  if (inputs.length !== net.inputs.length) {
    throw new Error(`expected ${net.inputs.length} input tensor(s), got ${inputs.length}`);
  }
  const map = new Map<Tensor, Tensor>();
  net.inputs.forEach((t, i) => map.set(t, inputs[i]));
  for (const node of net.nodes) {
    if (node.layer instanceof InputLayer) continue;
    const ins = node.inputs.map((t) => map.get(t)!);
    const args: CallArgs = kwargs.training === undefined
      ? node.callArgs
      : { ...node.callArgs, training: kwargs.training };
    const out = node.layer.apply(ins.length === 1 ? ins[0] : ins, args);
    const outs = Array.isArray(out) ? out : [out];
    node.outputs.forEach((t, i) => map.set(t, outs[i]));
  }
  return net.outputs.map((t) => map.get(t)!);
}
