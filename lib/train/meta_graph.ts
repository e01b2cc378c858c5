/**
 * Meta graphs (TF 1.x tf.train.export_meta_graph / import_meta_graph): a graph with its
 * variables, collections, summaries and saver, as one versioned JSON document
 * (docs/METAGRAPH.md), so a graph built in one process can be rebuilt and run in another:
 *
 *   tf.train.exportMetaGraph('ckpt/model.meta.json', { saverDef: saver });   // process 1
 *   const saver = tf.train.importMetaGraph('ckpt/model.meta.json');         // process 2
 *   await saver!.restore(sess, tf.train.latestCheckpoint('ckpt')!);
 *   const train = tf.getCollection<tf.Operation>('train_op')[0];
 */
import { readFileSync } from 'node:fs';
import { Tensor } from '../tensor.js';
import { executingEagerly } from '../engine.js';
import { getDefaultGraph, Graph, Operation } from '../graph/graph.js';
import type { NodeDef } from '../graph/serialize.js';
import { exportNodes, importNodes, tensorIn } from '../graph/serialize.js';
import type { TensorValueDef } from '../graph/serialize_values.js';
import { decodeValue, encodeValue } from '../graph/serialize_values.js';
import { GraphKeys, Variable } from '../graph/variables.js';
import { writeFileAtomicSync } from '../io/atomic.js';
import type { SummarySpec } from '../summary/ops.js';
import { makePart, SummaryOp } from '../summary/ops.js';
import type { SaverDef } from './saver.js';
import { Saver } from './saver.js';

export const META_GRAPH_FORMAT = 'nodeflow.meta_graph';
export const META_GRAPH_VERSION = 1;

/** A summary input: a graph tensor by name, or a value fixed at creation. */
export type SummaryInputDef = string | { value: TensorValueDef };
export interface SummaryDef {
  name: string;
  parts: (SummarySpec & { inputs: SummaryInputDef[] })[];
}
/** One collection entry, by kind; summaries are indices into `summaries`. */
export type CollectionItemDef =
  | { variable: string }
  | { tensor: string }
  | { operation: string }
  | { summary: number }
  | { value: string | number | boolean };

/** The JSON document (see docs/METAGRAPH.md). */
export interface MetaGraphDef {
  format: typeof META_GRAPH_FORMAT;
  version: number;
  producer: string;
  graph: { node: NodeDef[] };
  collections: Record<string, CollectionItemDef[]>;
  summaries: SummaryDef[];
  saver: SaverDef | null;
}

export interface ExportMetaGraphOptions {
  /** The graph to export (default: the default graph). */
  graph?: Graph;
  /** The Saver whose variables and maxToKeep importMetaGraph recreates (or its asSaverDef()). */
  saverDef?: Saver | SaverDef | null;
  /** Collections to write (default: all of them). */
  collectionList?: string[];
}

export interface ImportMetaGraphOptions {
  /** Prefix for every imported name ("scope/…"). */
  importScope?: string;
  /** Drop the recorded devices. */
  clearDevices?: boolean;
}

// ---------------------------------------------------------------- export

function exportSummary(g: Graph, s: SummaryOp, what: string): SummaryDef {
  const input = (t: Tensor): SummaryInputDef => {
    if (!t.isSymbolic) return { value: encodeValue(t) };
    if ((t.op as Operation).graph !== g) {
      throw new Error(`${what}: summary '${s.name}' reads ${t.name} of another graph`);
    }
    return t.name;
  };
  return { name: s.name, parts: s.parts.map((p) => ({ ...p.spec, inputs: p.tensors.map(input) })) };
}

/** Collection entries by reference; summaries go to `summaries` (once each, by identity). */
function exportCollections(
  g: Graph, keys: string[], summaries: SummaryDef[],
): Record<string, CollectionItemDef[]> {
  const summaryIndex = new Map<SummaryOp, number>();
  const out: Record<string, CollectionItemDef[]> = {};
  for (const key of keys) {
    out[key] = g.getCollection(key).map((item, i): CollectionItemDef => {
      const what = `exportMetaGraph: collection '${key}' item ${i}`;
      const mine = (op: Operation) => {
        if (op.graph !== g) throw new Error(`${what} (${op.name}) belongs to another graph`);
      };
      if (item instanceof Variable) {
        if (!item.isSymbolic) throw new Error(`${what} is an eager variable`);
        mine(item.op as Operation);
        return { variable: item.opName };
      }
      if (item instanceof Tensor) {
        if (!item.isSymbolic) throw new Error(`${what} is a concrete tensor, not a graph tensor`);
        mine(item.op as Operation);
        return { tensor: item.name };
      }
      if (item instanceof Operation) {
        mine(item);
        return { operation: item.name };
      }
      if (item instanceof SummaryOp) {
        let k = summaryIndex.get(item);
        if (k === undefined) {
          summaryIndex.set(item, (k = summaries.length));
          summaries.push(exportSummary(g, item, what));
        }
        return { summary: k };
      }
      const finite = typeof item === 'number' && Number.isFinite(item);
      if (typeof item === 'string' || typeof item === 'boolean' || finite) return { value: item };
      const kind = item === null ? 'null' : (item as object)?.constructor?.name ?? typeof item;
      throw new Error(`${what} is a ${kind}, which a meta graph cannot hold ` +
        '(leave the collection out with collectionList)');
    });
  }
  return out;
}

/**
 * The graph as a MetaGraphDef (JSON); also written to `filename` (atomically) when given.
 * Throws, naming the node or collection, for anything it cannot represent.
 *
 *   const meta = tf.train.exportMetaGraph('model.meta.json', { saverDef: saver });
 */
export function exportMetaGraph(
  filename?: string | null, opts: ExportMetaGraphOptions = {},
): MetaGraphDef {
  const g = opts.graph ?? getDefaultGraph();
  const keys = opts.collectionList ?? g.getAllCollectionKeys();
  if (!Array.isArray(keys) || !keys.every((k) => typeof k === 'string')) {
    throw new Error('exportMetaGraph: collectionList must be an array of collection names');
  }
  const summaries: SummaryDef[] = [];
  const meta: MetaGraphDef = {
    format: META_GRAPH_FORMAT,
    version: META_GRAPH_VERSION,
    producer: 'nodeflow',
    graph: { node: exportNodes(g) },
    collections: exportCollections(g, keys, summaries),
    summaries,
    saver: opts.saverDef instanceof Saver ? opts.saverDef.asSaverDef() : opts.saverDef ?? null,
  };
  if (meta.saver) {
    const known = new Set(g.operations.filter((o) => o.type === 'variable').map((o) => o.name));
    for (const [key, name] of Object.entries(meta.saver.variables)) {
      if (!known.has(name)) {
        throw new Error(`exportMetaGraph: the saver's variable '${name}' (key '${key}') is not ` +
          'in this graph');
      }
    }
  }
  if (filename !== undefined && filename !== null) {
    if (typeof filename !== 'string' || !filename) {
      throw new Error(`exportMetaGraph: bad filename ${JSON.stringify(filename)}`);
    }
    writeFileAtomicSync(filename, new TextEncoder().encode(`${JSON.stringify(meta)}\n`));
  }
  return meta;
}

// ---------------------------------------------------------------- import

function readMeta(src: string | MetaGraphDef): MetaGraphDef {
  let meta: unknown = src;
  if (typeof src === 'string') {
    let text: string;
    try {
      text = readFileSync(src, 'utf8');
    } catch (e) {
      throw new Error(`importMetaGraph: cannot read ${src}: ${(e as Error).message}`);
    }
    try {
      meta = JSON.parse(text);
    } catch (e) {
      throw new Error(`importMetaGraph: ${src} is not valid JSON: ${(e as Error).message}`);
    }
  }
  const m = meta as MetaGraphDef;
  if (!m || typeof m !== 'object' || m.format !== META_GRAPH_FORMAT) {
    const format = JSON.stringify(m?.format);
    throw new Error(`importMetaGraph: not a nodeflow meta graph (format ${format}, expected ` +
      `'${META_GRAPH_FORMAT}')`);
  }
  if (m.version !== META_GRAPH_VERSION) {
    throw new Error(`importMetaGraph: meta graph version ${JSON.stringify(m.version)} is not ` +
      `supported (this nodeflow reads version ${META_GRAPH_VERSION})`);
  }
  if (!m.graph || !Array.isArray(m.graph.node)) {
    throw new Error("importMetaGraph: missing 'graph.node'");
  }
  return m;
}

/** The fields each summary kind needs, with the right types. */
function checkSpec(spec: SummarySpec, what: string): void {
  const ok = typeof spec.tag === 'string' && spec.tag !== '' && (
    spec.kind === 'scalar' || spec.kind === 'histogram' ||
    (spec.kind === 'image' && Number.isInteger(spec.maxOutputs) && spec.maxOutputs > 0) ||
    (spec.kind === 'text' && Array.isArray(spec.text) &&
      spec.text.every((t) => typeof t === 'string') &&
      Array.isArray(spec.shape) && spec.shape.every((d) => Number.isInteger(d) && d >= 0)));
  if (!ok) throw new Error(`${what}: bad summary part ${JSON.stringify(spec).slice(0, 200)}`);
}

function importSummaries(
  g: Graph, defs: SummaryDef[], ops: Map<string, Operation>, scope: string | undefined,
): SummaryOp[] {
  if (!Array.isArray(defs)) throw new Error("importMetaGraph: 'summaries' must be an array");
  return defs.map((d, i) => {
    const what = `importMetaGraph: summary ${i} ('${d?.name}')`;
    if (!d || !Array.isArray(d.parts)) throw new Error(`${what}: needs 'parts'`);
    const parts = d.parts.map(({ inputs, ...spec }) => {
      checkSpec(spec as SummarySpec, what);
      const tensors = (inputs ?? []).map((x) =>
        typeof x === 'string' ? tensorIn(ops, x, what) : decodeValue(x?.value, what));
      // The tag stays a name in the graph, as when the summary was made (see makeTag).
      const name = scope ? `${scope}/${spec.tag}` : spec.tag;
      if (typeof spec.tag === 'string' && !g.isNameUsed(name)) g.uniqueName(name, false);
      return makePart(spec as SummarySpec, tensors);
    });
    return new SummaryOp(String(d.name), parts);
  });
}

function importCollections(
  g: Graph, meta: MetaGraphDef, ops: Map<string, Operation>, summaries: SummaryOp[],
): void {
  const cols = meta.collections ?? {};
  for (const [key, items] of Object.entries(cols)) {
    if (!Array.isArray(items)) {
      throw new Error(`importMetaGraph: collection '${key}' must be an array`);
    }
    const resolved = items.map((it, i) => {
      const what = `importMetaGraph: collection '${key}' item ${i}`;
      if (typeof it !== 'object' || it === null) {
        throw new Error(`${what}: expected an object, got ${JSON.stringify(it)}`);
      }
      if ('variable' in it) {
        const v = ops.get(it.variable)?.outputs[0];
        if (!(v instanceof Variable)) {
          throw new Error(`${what}: '${it.variable}' is not a variable node`);
        }
        return v;
      }
      if ('tensor' in it) return tensorIn(ops, it.tensor, what);
      if ('operation' in it) {
        const op = ops.get(it.operation);
        if (!op) throw new Error(`${what}: no node '${it.operation}'`);
        return op;
      }
      if ('summary' in it) {
        const s = summaries[it.summary];
        if (!s) throw new Error(`${what}: no summary ${it.summary}`);
        return s;
      }
      if ('value' in it) return it.value;
      throw new Error(`${what}: unknown entry ${JSON.stringify(it)}`);
    });
    for (const x of resolved) g.addToCollection(key, x);
  }
}

function importInto(g: Graph, meta: MetaGraphDef, opts: ImportMetaGraphOptions): Saver | null {
  const scope = opts.importScope;
  const ops = importNodes(g, meta.graph.node, { scope, clearDevices: opts.clearDevices });
  const summaries = importSummaries(g, meta.summaries ?? [], ops, scope);
  importCollections(g, meta, ops, summaries);
  const vars = [...ops.values()].filter((o) => o.type === 'variable')
    .map((o) => o.outputs[0] as Variable);
  if (meta.saver) {
    const list: Record<string, Variable> = {};
    for (const [key, name] of Object.entries(meta.saver.variables ?? {})) {
      const v = ops.get(name)?.outputs[0];
      if (!(v instanceof Variable)) {
        throw new Error(`importMetaGraph: the saver's variable '${name}' is not a variable node`);
      }
      list[key] = v;
    }
    return g.asDefault(() => new Saver({ varList: list, maxToKeep: meta.saver!.maxToKeep }));
  }
  // As TF: no saver_def -> a Saver for all global variables, keyed by their original names.
  const globals = new Set(g.getCollection(GraphKeys.GLOBAL_VARIABLES));
  const saved = vars.filter((v) => globals.has(v));
  if (!saved.length) return null;
  const unscoped = (v: Variable) => v.opName.slice(scope ? scope.length + 1 : 0);
  const byName = Object.fromEntries(saved.map((v) => [unscoped(v), v]));
  return g.asDefault(() => new Saver({ varList: byName }));
}

/**
 * Recreates a meta graph's nodes, variables, summaries and collections in the default graph,
 * with the same names (under `importScope` if given), and returns a Saver for its variables
 * (null when it has none), as TF's tf.train.import_meta_graph. Everything is checked first: on
 * an error (bad version, unknown op, a name already in the graph…) the graph is left unchanged.
 *
 *   const saver = tf.train.importMetaGraph('ckpt/model.meta.json')!;
 *   await saver.restore(sess, tf.train.latestCheckpoint('ckpt')!);
 */
export function importMetaGraph(
  src: string | MetaGraphDef, opts: ImportMetaGraphOptions = {},
): Saver | null {
  const meta = readMeta(src);
  const scope = opts.importScope;
  if (scope !== undefined && (typeof scope !== 'string' || !/^[^:\s]+$/.test(scope))) {
    throw new Error(`importMetaGraph: bad importScope ${JSON.stringify(opts.importScope)}`);
  }
  if (executingEagerly()) {
    throw new Error('importMetaGraph: not available with eager execution (meta graphs are graphs)');
  }
  const g = getDefaultGraph();
  // Dry run into a scratch graph: every check happens before the real graph changes.
  importInto(new Graph(), meta, opts);
  for (const node of meta.graph.node) {
    const name = scope ? `${scope}/${node.name}` : node.name;
    if (g.isNameUsed(name)) {
      throw new Error(`importMetaGraph: node '${name}' already exists in the graph ` +
        '(import into a fresh graph, or pass importScope)');
    }
  }
  return importInto(g, meta, opts);
}
