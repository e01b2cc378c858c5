/**
 * model.summary(): Keras' table of layers, output shapes and parameter counts, with a
 * "Connected to" column for models that are not a simple chain:
 *
 *   Model: "sequential"
 *   _________________________________________________________________
 *   Layer (type)                 Output Shape              Param #
 *   =================================================================
 *   dense (Dense)                (None, 32)                25120
 *   ...
 */
import type { Layer } from './layer.js';
import type { Model } from './model.js';
import type { Node } from './node.js';
import { getHistory } from './node.js';
import { InputLayer } from './input_layer.js';
import { networkNodeIndex } from './topology.js';

export interface SummaryOptions {
  /** Total width (default 65, or 98 with the "Connected to" column). */
  lineLength?: number;
  /** Right edges of the columns, as fractions of lineLength (or absolute when > 1). */
  positions?: number[];
  /** Receives each line (default console.log). */
  printFn?: (line: string) => void;
}

/** A shape as Keras prints it: (None, 28, 28, 32). */
export function formatShape(s: (number | null)[]): string {
  const dims = s.map((d) => (d === null ? 'None' : String(d)));
  return `(${dims.join(', ')}${dims.length === 1 ? ',' : ''})`;
}

const count = (vars: { shape: number[] }[]) =>
  vars.reduce((n, v) => n + v.shape.reduce((a, b) => a * b, 1), 0);

/** Thousands separators as Python's '{:,}'. */
const grouped = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

function printRow(fields: string[], positions: number[], print: (l: string) => void): void {
  let line = '';
  fields.forEach((f, i) => {
    if (i > 0) line = `${line.slice(0, -1)} `;
    line = (line + f).slice(0, positions[i]);
    line += ' '.repeat(Math.max(0, positions[i] - line.length));
  });
  print(line);
}

export function printSummary(model: Model, opts: SummaryOptions): void {
  const print = opts.printFn ?? ((l: string) => console.log(l));
  const net = model.network!;
  const nodes = net.nodes;
  const consumers = new Map<unknown, number>();
  for (const n of nodes) for (const t of n.inputs) consumers.set(t, (consumers.get(t) ?? 0) + 1);
  // A chain (each node reads one tensor, each tensor read once) needs no "Connected to".
  const linear =
    nodes.every((n) => n.inputs.length <= 1) && [...consumers.values()].every((c) => c <= 1);
  const chain = model.className === 'Sequential' || linear;
  const lineLength = opts.lineLength ?? (chain ? 65 : 98);
  const fractions = opts.positions ?? (chain ? [0.45, 0.85, 1] : [0.33, 0.55, 0.67, 1]);
  const positions = fractions.map((p) => (p <= 1 ? Math.floor(lineLength * p) : p));
  const header = ['Layer (type)', 'Output Shape', 'Param #', ...(chain ? [] : ['Connected to'])];
  // Sequential models hide their input layer, as Keras does.
  const layers: Layer[] = model.className === 'Sequential' ? model.layers : net.layers;

  print(`Model: "${model.name}"`);
  print('_'.repeat(lineLength));
  printRow(header, positions, print);
  print('='.repeat(lineLength));
  layers.forEach((layer, i) => {
    const own = nodes.filter((n) => n.layer === layer);
    const shapes = own.length === 1 ? own[0].outputs.map((t) => formatShape([...t.shape])) : [];
    let shape = shapes.length === 1 ? shapes[0] : `[${shapes.join(', ')}]`;
    if (own.length !== 1) shape = 'multiple';
    const params = layer instanceof InputLayer ? 0 : layer.countParams();
    const row = [`${layer.name} (${layer.className})`, shape, String(params)];
    if (chain) {
      printRow(row, positions, print);
    } else {
      const links = own.flatMap((n) => connections(model, n));
      printRow([...row, links[0] ?? ''], positions, print);
      for (const l of links.slice(1)) printRow(['', '', '', l], positions, print);
    }
    print((i === layers.length - 1 ? '=' : '_').repeat(lineLength));
  });
  const trainable = count(model.trainableWeights);
  const all = count(model.weights);
  print(`Total params: ${grouped(all)}`);
  print(`Trainable params: ${grouped(trainable)}`);
  print(`Non-trainable params: ${grouped(all - trainable)}`);
  print('_'.repeat(lineLength));
}

/** "dense_1[0][0]" for each input of node. */
function connections(model: Model, node: Node): string[] {
  return node.inputs.map((t) => {
    const h = getHistory(t)!;
    const from = h.layer.inboundNodes[h.nodeIndex];
    return `${h.layer.name}[${networkNodeIndex(model.network!, from)}][${h.tensorIndex}]`;
  });
}
