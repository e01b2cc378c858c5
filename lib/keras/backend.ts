/**
 * tf.keras.backend for TF 1.x graph mode: one Session per graph (getSession), the learning-phase
 * switch that Dropout and BatchNormalization read, variable values on the host, unique layer
 * names. Keras in nodeflow needs graph mode (the default); eager mode is refused with a clear
 * Error rather than half supported.
 */
import type { DType } from '../dtype.js';
import { shapeString } from '../dtype.js';
import type { TensorLike } from '../convert.js';
import { hostTensor } from '../convert.js';
import { executingEagerly } from '../engine.js';
import { variablesInitializer } from '../graph/control.js';
import type { Graph } from '../graph/graph.js';
import { getDefaultGraph, initScope, placeholderWithDefault, resetDefaultGraph } from '../graph/graph.js';
import { Session } from '../graph/session.js';
import type { Variable } from '../graph/variables.js';
import { constant } from '../ops/creation.js';
import { layerName } from '../layers/base.js';
import { Tensor } from '../tensor.js';

/** Throws unless in graph mode: nodeflow's Keras builds TF 1.x graphs. */
export function checkGraphMode(what: string): void {
  if (executingEagerly()) {
    throw new Error(
      `${what}: tf.keras in nodeflow works in graph mode only (TF 1.x); eager execution is on. ` +
        'Call tf.disableEagerExecution() before building Keras models, or use ' +
        'tf.GradientTape eagerly.',
    );
  }
}

/** fn with the graph as default, outside any name scope and control dependencies. */
export function atTopLevel<T>(graph: Graph, fn: () => T): T {
  return graph.asDefault(() => initScope(fn, true));
}

// ---------------------------------------------------------------- sessions

const sessions = new WeakMap<Graph, Session>();
// Variables known to hold a value in each session (saves a store lookup per variable).
const initialized = new WeakMap<Session, Set<number>>();

/**
 * The Keras session of `graph` (default: the default graph), created on first use. Models run
 * in the session of the graph they were built in.
 *
 *   const sess = tf.keras.backend.getSession();
 */
export function getSession(graph?: Graph): Session {
  checkGraphMode('tf.keras.backend.getSession');
  const g = graph ?? getDefaultGraph();
  let s = sessions.get(g);
  if (!s) {
    s = new Session({ graph: g });
    sessions.set(g, s);
  }
  return s;
}

/** Makes `sess` the Keras session of its graph (TF's K.set_session). */
export function setSession(sess: Session): void {
  if (!(sess instanceof Session)) {
    throw new Error('tf.keras.backend.setSession: expected a tf.Session');
  }
  sessions.set(sess.graph, sess);
}

/**
 * Closes the default graph's Keras session and starts a fresh default graph (TF's
 * K.clear_session()): layer names start again at "dense", and old models are unusable.
 */
export function clearSession(): void {
  const g = getDefaultGraph();
  sessions.get(g)?.close();
  sessions.delete(g);
  resetDefaultGraph();
}

/** Runs the initializers of the variables in `vars` that hold no value in `sess` yet. */
export function initializeVariables(sess: Session, vars: Variable[]): void {
  let known = initialized.get(sess);
  if (!known) initialized.set(sess, (known = new Set()));
  const missing: Variable[] = [];
  for (const v of new Set(vars)) {
    if (known.has(v.varId)) continue;
    const value = sess.variableValue(v.varId);
    if (value) {
      value.dispose();
      known.add(v.varId);
    } else {
      missing.push(v);
    }
  }
  if (!missing.length) return;
  sess.runSync(atTopLevel(sess.graph, () => variablesInitializer(missing, 'keras_init')));
  for (const v of missing) known.add(v.varId);
}

/** The value of a graph variable in its Keras session (a host tensor). */
export function getValue(v: Variable, sess?: Session): Tensor {
  const s = sess ?? getSession(graphOf(v));
  initializeVariables(s, [v]);
  const value = s.variableValue(v.varId);
  if (!value) throw new Error(`tf.keras.backend.getValue: variable '${v.opName}' has no value`);
  return value;
}

/** Sets a graph variable's value in its Keras session; shape and dtype must match. */
export function setValue(v: Variable, value: TensorLike, sess?: Session): void {
  const s = sess ?? getSession(graphOf(v));
  const what = `tf.keras.backend.setValue('${v.opName}')`;
  const t = value instanceof Tensor ? value : hostTensor(value, v.dtype, [...v.shape], what);
  if (t.isSymbolic) throw new Error(`${what}: expected a value, got the graph tensor ${t.name}`);
  const same = t.shape.length === v.shape.length && t.shape.every((d, i) => d === v.shape[i]);
  if (!same || t.dtype !== v.dtype) {
    throw new Error(
      `${what}: the variable is ${v.dtype} ${shapeString(v.shape)}, the value ${t.dtype} ` +
        `${shapeString(t.shape)}`,
    );
  }
  s.setVariableValue(v.varId, t);
  if (t !== value) t.dispose();
  let known = initialized.get(s);
  if (!known) initialized.set(s, (known = new Set()));
  known.add(v.varId);
}

function graphOf(v: Variable): Graph {
  if (!v.isSymbolic) {
    throw new Error(`tf.keras.backend: variable '${v.opName}' is an eager variable`);
  }
  return (v.op as unknown as { graph: Graph }).graph;
}

// ---------------------------------------------------------------- learning phase

const phases = new WeakMap<Graph, Tensor>();

/**
 * The bool scalar that tells Dropout and BatchNormalization whether they are training: a
 * placeholderWithDefault(false) named "keras_learning_phase", one per graph. fit() feeds true.
 */
export function learningPhase(graph?: Graph): Tensor {
  checkGraphMode('tf.keras.backend.learningPhase');
  const g = graph ?? getDefaultGraph();
  let t = phases.get(g);
  if (!t) {
    t = atTopLevel(g, () => placeholderWithDefault(constant(false), [], 'keras_learning_phase'));
    phases.set(g, t);
  }
  return t;
}

// ---------------------------------------------------------------- names

const taken = new WeakMap<Graph, Set<string>>();
const oneBased = new WeakMap<Graph, Map<string, number>>();

function takenIn(g: Graph): Set<string> {
  let s = taken.get(g);
  if (!s) taken.set(g, (s = new Set()));
  return s;
}

/**
 * A layer name unique in the default graph: "dense", "dense_1"… (sharing tf.layers' counter,
 * so Keras and tf.layers variables never collide); `oneBasedNames` gives "input_1", "input_2"….
 * A given name is used as is.
 */
export function uniqueLayerName(base: string, given?: string, oneBasedNames = false): string {
  const g = getDefaultGraph();
  const used = takenIn(g);
  if (given !== undefined) {
    if (typeof given !== 'string' || !given || /[:\s/]/.test(given)) {
      throw new Error(`tf.keras: bad layer name ${JSON.stringify(given)} (no spaces, ':' or '/')`);
    }
    used.add(given);
    return given;
  }
  let name: string;
  if (oneBasedNames) {
    let counts = oneBased.get(g);
    if (!counts) oneBased.set(g, (counts = new Map()));
    do {
      const n = (counts.get(base) ?? 0) + 1;
      counts.set(base, n);
      name = `${base}_${n}`;
    } while (used.has(name));
  } else {
    do name = layerName(base);
    while (used.has(name));
  }
  used.add(name);
  return name;
}

/** Keras' to_snake_case: "Conv2DTranspose" → "conv2d_transpose", "LeakyReLU" → "leaky_re_lu" */
export function snakeCase(name: string): string {
  return name
    .replace(/(.)([A-Z][a-z0-9]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

/** float32 / float64 / int32 / bool, or an Error naming `what`. */
export function checkDType(d: unknown, what: string): DType {
  if (d !== 'float32' && d !== 'float64' && d !== 'int32' && d !== 'bool') {
    throw new Error(
      `${what}: dtype must be float32, float64, int32 or bool, got ${JSON.stringify(d)}`,
    );
  }
  return d;
}
