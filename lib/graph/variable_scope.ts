/**
 * tf.variableScope / tf.getVariable with TF 1.x reuse rules: creating an existing name is an
 * error unless reuse is set; reusing a missing one is an error unless reuse is AUTO_REUSE.
 * Reuse is inherited by nested scopes, and so is a custom getter (TF's custom_getter: e.g. build
 * an evaluation copy of a model that reads the moving averages of its weights).
 */
import type { DType } from '../dtype.js';
import { shapeString } from '../dtype.js';
import { executingEagerly } from '../engine.js';
import type { Graph } from './graph.js';
import { getDefaultGraph } from './graph.js';
import type { Initializer } from './initializers.js';
import { constantInitializer, glorotUniformInitializer, zerosInitializer } from './initializers.js';
import { Variable } from './variables.js';

export const AUTO_REUSE = 'auto_reuse' as const;
export type Reuse = boolean | typeof AUTO_REUSE;

/**
 * Wraps tf.getVariable inside a scope: called with the plain getter and getVariable's arguments,
 * returns the variable to use (which may be another one, as ExponentialMovingAverage.average).
 */
export type CustomGetter = (getter: (name: string, opts?: GetVariableOptions) => Variable, name: string, opts: GetVariableOptions) => Variable;

export interface VariableScopeOptions {
  reuse?: Reuse;
  initializer?: Initializer;
  customGetter?: CustomGetter;
}

interface VarScope {
  name: string;
  reuse: Reuse;
  initializer?: Initializer;
  customGetter?: CustomGetter;
}

// Per graph: the variable scope stack and the variables made by getVariable.
const scopes = new WeakMap<Graph, VarScope[]>();
const stores = new WeakMap<Graph, Map<string, Variable>>();
const eagerStore = new Map<string, Variable>();
const eagerScopes: VarScope[] = [];

function scopeStack(): VarScope[] {
  if (executingEagerly()) return eagerScopes;
  const g = getDefaultGraph();
  if (!scopes.has(g)) scopes.set(g, []);
  return scopes.get(g)!;
}
function varStore(): Map<string, Variable> {
  if (executingEagerly()) return eagerStore;
  const g = getDefaultGraph();
  if (!stores.has(g)) stores.set(g, new Map());
  return stores.get(g)!;
}

/** The current variable scope's full name ("" at top level). */
export function getVariableScopeName(): string {
  const s = scopeStack();
  return s.length ? s[s.length - 1].name : '';
}

/**
 * Opens variable scope `name` (and a name scope of the same name) for fn.
 *
 *   tf.variableScope('fc1', () => tf.getVariable('W', { shape: [784, 300] }));
 *   tf.variableScope('fc1', () => tf.getVariable('W'), { reuse: true });   // same variable
 *   // the same model again, reading the moving averages of its weights
 *   tf.variableScope('model', () => net(x), { reuse: true, customGetter: (get, name, o) => ema.average(get(name, o))! });
 */
export function variableScope<T>(name: string, fn: () => T, opts: VariableScopeOptions = {}): T {
  if (!name || /[:\s]/.test(name)) throw new Error(`variableScope: bad scope name '${name}'`);
  const stack = scopeStack();
  const parent = stack[stack.length - 1];
  const full = parent && parent.name ? `${parent.name}/${name}` : name;
  // Reuse is sticky: once a parent reuses, children do too.
  const reuse: Reuse = parent?.reuse === true || parent?.reuse === AUTO_REUSE ? parent.reuse : opts.reuse ?? false;
  stack.push({ name: full, reuse, initializer: opts.initializer ?? parent?.initializer, customGetter: nestGetters(parent?.customGetter, opts.customGetter) });
  const g = executingEagerly() ? null : getDefaultGraph();
  // The name scope gets a unique name per opening, as TF does (fc1, fc1_1 …).
  const opScope = g ? g.uniqueName(name, true) : null;
  const saved = g ? g.nameStack : null;
  if (g && opScope) g.nameStack = opScope.split('/');
  try {
    return fn();
  } finally {
    stack.pop();
    if (g && saved) g.nameStack = saved;
  }
}

export interface GetVariableOptions {
  shape?: number[];
  dtype?: DType;
  initializer?: Initializer | number | number[];
  trainable?: boolean;
  collections?: string[];
}

/** As TF nests custom getters: the inner scope's is called first, with a getter that goes
 * through the outer scope's. */
function nestGetters(outer?: CustomGetter, inner?: CustomGetter): CustomGetter | undefined {
  if (!outer || !inner) return inner ?? outer;
  return (getter, name, opts) => inner((n, o) => outer(getter, n, o ?? {}), name, opts);
}

/**
 * Gets or creates variable `scope/name` following the scope's reuse setting (through the scope's
 * custom getter, if it has one). The default initializer is Glorot uniform for floats (as TF
 * 1.x), zeros otherwise.
 */
export function getVariable(name: string, opts: GetVariableOptions = {}): Variable {
  const stack = scopeStack();
  const custom = stack[stack.length - 1]?.customGetter;
  if (custom) {
    const v = custom((n, o) => plainGetVariable(n, o ?? {}), name, opts);
    if (!(v instanceof Variable)) throw new Error(`getVariable: the custom getter of scope '${getVariableScopeName()}' returned ${String(v)} for '${name}', not a tf.Variable`);
    return v;
  }
  return plainGetVariable(name, opts);
}

function plainGetVariable(name: string, opts: GetVariableOptions): Variable {
  const stack = scopeStack();
  const scope = stack[stack.length - 1];
  const full = scope && scope.name ? `${scope.name}/${name}` : name;
  const reuse = scope?.reuse ?? false;
  const store = varStore();
  const existing = store.get(full);
  if (existing) {
    if (reuse === false) {
      throw new Error(`getVariable: Variable ${full} already exists, disallowed. Did you mean to set reuse: true or reuse: tf.AUTO_REUSE in variableScope?`);
    }
    if (opts.shape && (opts.shape.length !== existing.shape.length || opts.shape.some((d, i) => d !== existing.shape[i]))) {
      throw new Error(`getVariable: trying to share variable ${full}, but specified shape ${shapeString(opts.shape)} and found shape ${shapeString(existing.shape)}`);
    }
    if (opts.dtype && opts.dtype !== existing.dtype) {
      throw new Error(`getVariable: trying to share variable ${full}, but specified dtype ${opts.dtype} and found dtype ${existing.dtype}`);
    }
    return existing;
  }
  if (reuse === true) {
    throw new Error(`getVariable: Variable ${full} does not exist, or was not created with tf.getVariable(). Did you mean to set reuse: tf.AUTO_REUSE in variableScope?`);
  }
  const dtype = opts.dtype ?? 'float32';
  const init = opts.initializer ?? scope?.initializer;
  const initFn: Initializer =
    typeof init === 'function'
      ? init
      : init !== undefined
        ? constantInitializer(init)
        : dtype === 'float32' || dtype === 'float64' ? glorotUniformInitializer() : zerosInitializer();
  const shape = opts.shape ?? (typeof init === 'number' ? [] : Array.isArray(init) ? nestedShape(init) : undefined);
  if (!shape) throw new Error(`getVariable: shape of a new variable (${full}) must be fully defined, but instead was undefined`);
  // The variable gets exactly the name `full`; its initializer ops are named under it.
  const g = executingEagerly() ? null : getDefaultGraph();
  const saved = g?.nameStack;
  if (g) g.nameStack = full.split('/').slice(0, -1);
  try {
    const v = new Variable(() => initFn(shape, dtype), {
      name: g ? full.split('/').pop() : full,
      dtype,
      trainable: opts.trainable ?? true,
      collections: opts.collections,
    });
    store.set(full, v);
    return v;
  } finally {
    if (g && saved) g.nameStack = saved;
  }
}

function nestedShape(v: unknown): number[] {
  const shape: number[] = [];
  for (let cur = v; Array.isArray(cur); cur = cur[0]) shape.push(cur.length);
  return shape;
}
