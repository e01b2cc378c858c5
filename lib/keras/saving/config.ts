/**
 * Model topology as JSON (Keras' model config, camelCase): a Sequential is its list of layer
 * configs; a functional model lists its layers with, per call, the [layer, node, tensor] it
 * read (Keras' inbound_nodes), and its input and output layers. Rebuilding applies the layers
 * again in dependency order. Layer classes are found by className, custom ones in customObjects.
 */
import type { Tensor } from '../../tensor.js';
import { getActivation } from '../activations.js';
import { InputLayer } from '../engine/input_layer.js';
import type { Layer, LayerConfig } from '../engine/layer.js';
import type { Model } from '../engine/model.js';
import type { CallArgs } from '../engine/node.js';
import { getHistory } from '../engine/node.js';
import { networkNodeIndex } from '../engine/topology.js';

/** Classes and functions a model file names but nodeflow does not know (custom layers, losses). */
export type CustomObjects = Record<string, unknown>;

/** [layer name, node index, tensor index] (and the call's arguments, for inbound nodes). */
type TensorRef = [string, number, number];
type InboundRef = [string, number, number, CallArgs];

export interface LayerEntry {
  className: string;
  config: LayerConfig;
}

interface FunctionalLayerEntry extends LayerEntry {
  name: string;
  inboundNodes: InboundRef[][];
}

/** Where t comes from, with the node counted among the layer's nodes in this model. */
function ref(model: Model, t: Tensor): TensorRef {
  const h = getHistory(t)!;
  const node = h.layer.inboundNodes[h.nodeIndex];
  return [h.layer.name, networkNodeIndex(model.network!, node), h.tensorIndex];
}

/** The topology of a functional model. */
export function networkConfig(model: Model): LayerConfig {
  const net = model.network!;
  const layers: FunctionalLayerEntry[] = net.layers.map((l) => ({
    name: l.name,
    className: l.className,
    config: l.getConfig(),
    inboundNodes: net.nodes
      .filter((n) => n.layer === l && n.inputs.length > 0)
      .map((n) => n.inputs.map((t) => [...ref(model, t), n.callArgs] as InboundRef)),
  }));
  return {
    name: model.name,
    layers,
    inputLayers: model.inputs.map((t) => ref(model, t)),
    outputLayers: model.outputs.map((t) => ref(model, t)),
  };
}

// ---------------------------------------------------------------- rebuilding

type LayerFactory = (config: LayerConfig, custom: CustomObjects) => Layer;

/** Set by keras/index.ts (which knows every layer class), so this file imports none of them. */
let registry: Record<string, LayerFactory> = {};

/** @internal */
export function setLayerRegistry(r: Record<string, LayerFactory>): void {
  registry = r;
}

/** Replaces an activation name that is a custom function by the function. */
function withCustomActivation(config: LayerConfig, custom: CustomObjects): LayerConfig {
  const a = config.activation;
  if (typeof a !== 'string') return config;
  if (typeof custom[a] === 'function') return { ...config, activation: custom[a] };
  try {
    getActivation(a as never, '');
  } catch {
    throw new Error(
      `loadModel: layer '${String(config.name)}' uses the activation '${a}', which is not ` +
        `built in; pass the function in customObjects: { ${a}: fn }`,
    );
  }
  return config;
}

/** A layer (or a nested model) from { className, config }. */
export function deserializeLayer(entry: LayerEntry, custom: CustomObjects = {}): Layer {
  const ok = !!entry && typeof entry.className === 'string' && typeof entry.config === 'object';
  if (!ok || !entry.config) {
    throw new Error(`loadModel: malformed layer entry ${JSON.stringify(entry)?.slice(0, 200)}`);
  }
  const config = withCustomActivation(entry.config, custom);
  const userClass = custom[entry.className];
  if (typeof userClass === 'function') {
    const cls = userClass as {
      fromConfig?: (c: LayerConfig) => Layer;
      new (c: LayerConfig): Layer;
    };
    return cls.fromConfig ? cls.fromConfig(config) : new cls(config);
  }
  const make = registry[entry.className];
  if (!make) {
    throw new Error(
      `loadModel: unknown layer class '${entry.className}' (a custom layer? pass it in ` +
        `customObjects: { ${entry.className}: MyLayer })`,
    );
  }
  try {
    return make(config, custom);
  } catch (e) {
    const msg = (e as Error).message;
    const name = String(entry.config.name);
    // Layer errors usually name the layer already.
    if (msg.includes(`'${name}'`)) throw new Error(`loadModel: ${msg}`);
    throw new Error(`loadModel: cannot rebuild the ${entry.className} layer '${name}': ${msg}`);
  }
}

/** Rebuilds a functional model's layers and calls; returns its inputs and outputs. */
export function rebuildNetwork(
  config: LayerConfig,
  custom: CustomObjects,
): { inputs: Tensor[]; outputs: Tensor[] } {
  const entries = config.layers as FunctionalLayerEntry[];
  if (!Array.isArray(entries)) throw new Error('loadModel: the model config has no layers list');
  // Per layer name: the output tensors of each of its calls, in order.
  const outputs = new Map<string, Tensor[][]>();
  const layers = new Map<string, Layer>();
  for (const e of entries) {
    const input = e.className === 'InputLayer';
    const layer = input ? new InputLayer(e.config as never) : deserializeLayer(e, custom);
    layers.set(e.name, layer);
    outputs.set(e.name, layer instanceof InputLayer ? [[layer.placeholder]] : []);
  }
  const tensorOf = ([name, node, index]: TensorRef) => outputs.get(name)?.[node]?.[index];
  // Apply each call once its inputs exist (a shared layer's later calls may wait on others).
  const pending = entries.filter((e) => e.className !== 'InputLayer').map((e) => ({ e, next: 0 }));
  for (let progress = true; progress; ) {
    progress = false;
    for (const p of pending) {
      while (p.next < p.e.inboundNodes.length) {
        const refs = p.e.inboundNodes[p.next];
        const ins = refs.map((r) => tensorOf([r[0], r[1], r[2]]));
        if (ins.some((t) => !t)) break;
        const args = refs[0]?.[3] ?? {};
        const layer = layers.get(p.e.name)!;
        const out = layer.apply(ins.length === 1 ? ins[0]! : (ins as Tensor[]), args);
        outputs.get(p.e.name)!.push(Array.isArray(out) ? out : [out]);
        p.next++;
        progress = true;
      }
    }
  }
  const stuck = pending.find((p) => p.next < p.e.inboundNodes.length);
  if (stuck) {
    const name = stuck.e.name;
    throw new Error(`loadModel: cannot rebuild the calls of '${name}': its inputs never appear`);
  }
  const get = (r: TensorRef, what: string) => {
    const t = tensorOf(r);
    if (!t) throw new Error(`loadModel: the model's ${what} ${JSON.stringify(r)} does not exist`);
    return t;
  };
  return {
    inputs: (config.inputLayers as TensorRef[]).map((r) => get(r, 'input')),
    outputs: (config.outputLayers as TensorRef[]).map((r) => get(r, 'output')),
  };
}
