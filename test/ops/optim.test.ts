/**
 * The fused optimizer update kernels (apply_*): one step via checkOp (registry), ten steps
 * against float64 references of the TF 1.x rules (float32 and float64), in-place semantics,
 * big variables (threaded), size 0/1, NaN, graph-mode shape inference and clear errors.
 */
import { describe, expect, it } from 'vitest';
import * as tf from '../../lib/index.js';
import type { Tensor } from '../../lib/index.js';
import { runOp } from '../../lib/engine.js';
import { trainingOps as T } from '../../lib/train/index.js';
import type { CheckOpOptions } from '../helpers/check_op.js';
import { checkOp, withEager } from '../helpers/check_op.js';
import { expectClose } from '../helpers/close.js';
import { rng, uniform } from '../helpers/random.js';
import * as R from '../train/reference.js';

type DT = 'float32' | 'float64';

/** One op: its inputs in order (slots first after var, hyperparameters, grad), how to call it, the reference step. */
interface Spec {
  op: string;
  name: string;
  order: string[];
  /** Buffers updated in place (var first), with the range their initial values come from. */
  buffers: Record<string, [number, number]>;
  hypers: Record<string, number>;
  call: (xs: Tensor[]) => Tensor;
  /** Reference step t (1-based) on the buffers (same order as `buffers`). */
  step: (b: Float64Array[], g: Float64Array, h: Record<string, number>, t: number) => void;
  /** Hyperparameters that change per step (Adam's beta powers). */
  perStep?: (h: Record<string, number>, t: number) => Record<string, number>;
}

const isGrad = (k: string) => k === 'grad' || k === 'delta' || k === 'value';

const adamPowers = (h: Record<string, number>, t: number) => ({ beta1_power: h.beta1 ** t, beta2_power: h.beta2 ** t });

const SPECS: Spec[] = [
  {
    op: 'apply_moving_average', name: 'moving average', order: ['var', 'decay', 'value'],
    buffers: { var: [-2, 2] }, hypers: { decay: 0.9 },
    call: (x) => T.applyMovingAverage(x[0], x[1], x[2]),
    step: ([v], x, h) => v.forEach((s, i) => { v[i] = s - (s - x[i]) * (1 - h.decay); }),
  },
  {
    op: 'apply_gradient_descent', name: 'gradient descent', order: ['var', 'alpha', 'delta'],
    buffers: { var: [-2, 2] }, hypers: { alpha: 0.1 },
    call: (x) => T.applyGradientDescent(x[0], x[1], x[2]),
    step: ([v], g, h) => R.gd(v, g, { lr: h.alpha }),
  },
  ...[false, true].map((nesterov): Spec => ({
    op: 'apply_momentum', name: `momentum${nesterov ? ' (nesterov)' : ''}`, order: ['var', 'accum', 'lr', 'grad', 'momentum'],
    buffers: { var: [-2, 2], accum: [-1, 1] }, hypers: { lr: 0.05, momentum: 0.9 },
    call: (x) => T.applyMomentum(x[0], x[1], x[2], x[3], x[4], { useNesterov: nesterov }),
    step: ([v, a], g, h) => R.momentum(v, a, g, h, nesterov),
  })),
  {
    op: 'apply_adagrad', name: 'adagrad', order: ['var', 'accum', 'lr', 'grad'],
    buffers: { var: [-2, 2], accum: [0.1, 1] }, hypers: { lr: 0.1 },
    call: (x) => T.applyAdagrad(x[0], x[1], x[2], x[3]),
    step: ([v, a], g, h) => R.adagrad(v, a, g, h),
  },
  {
    op: 'apply_adadelta', name: 'adadelta', order: ['var', 'accum', 'accum_update', 'lr', 'rho', 'epsilon', 'grad'],
    buffers: { var: [-2, 2], accum: [0, 1], accum_update: [0, 1] }, hypers: { lr: 1.0, rho: 0.95, epsilon: 1e-6 },
    call: (x) => T.applyAdadelta(x[0], x[1], x[2], x[3], x[4], x[5], x[6]),
    step: ([v, a, u], g, h) => R.adadelta(v, a, u, g, h),
  },
  {
    op: 'apply_rms_prop', name: 'rmsprop', order: ['var', 'ms', 'mom', 'lr', 'rho', 'momentum', 'epsilon', 'grad'],
    buffers: { var: [-2, 2], ms: [0.1, 1], mom: [-0.1, 0.1] }, hypers: { lr: 0.01, rho: 0.9, momentum: 0.5, epsilon: 1e-6 },
    call: (x) => T.applyRMSProp(x[0], x[1], x[2], x[3], x[4], x[5], x[6], x[7]),
    step: ([v, ms, mom], g, h) => R.rmsProp(v, ms, mom, g, h),
  },
  {
    op: 'apply_centered_rms_prop', name: 'centered rmsprop',
    order: ['var', 'mg', 'ms', 'mom', 'lr', 'rho', 'momentum', 'epsilon', 'grad'],
    buffers: { var: [-2, 2], mg: [-0.3, 0.3], ms: [1, 2], mom: [-0.1, 0.1] }, hypers: { lr: 0.01, rho: 0.9, momentum: 0.5, epsilon: 1e-6 },
    call: (x) => T.applyCenteredRMSProp(x[0], x[1], x[2], x[3], x[4], x[5], x[6], x[7], x[8]),
    step: ([v, mg, ms, mom], g, h) => R.centeredRmsProp(v, mg, ms, mom, g, h),
  },
  ...[false, true].map((nesterov): Spec => ({
    op: 'apply_adam', name: `adam${nesterov ? ' (nesterov)' : ''}`,
    order: ['var', 'm', 'v', 'beta1_power', 'beta2_power', 'lr', 'beta1', 'beta2', 'epsilon', 'grad'],
    buffers: { var: [-2, 2], m: [-0.5, 0.5], v: [0, 0.5] }, hypers: { lr: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 },
    call: (x) => T.applyAdam(x[0], x[1], x[2], x[3], x[4], x[5], x[6], x[7], x[8], x[9], { useNesterov: nesterov }),
    // The reference takes the step number: the kernel's powers are β^t.
    step: ([v, m, s], g, h, t) => R.adam(v, m, s, g, h, t, nesterov),
    perStep: adamPowers,
  })),
];

const round = (a: Float64Array, dt: DT) => (dt === 'float32' ? Float64Array.from(Float32Array.from(a)) : Float64Array.from(a));
const tol = (dt: DT) => (dt === 'float32' ? { atol: 2e-5, rtol: 2e-4 } : { atol: 1e-12, rtol: 1e-10 });

/** Hyperparameters for step t, rounded to the dtype (the kernel sees them in var's dtype). */
function hypersAt(s: Spec, t: number, dt: DT): Record<string, number> {
  const h = { ...s.hypers, ...(s.perStep ? s.perStep(s.hypers, t) : {}) };
  if (dt === 'float32') for (const k of Object.keys(h)) h[k] = Math.fround(h[k]);
  return h;
}

/** Runs `steps` steps of spec on shape, checking var and every slot after each one. */
function runSteps(s: Spec, dt: DT, shape: number[], steps: number, seed = 7): void {
  const n = shape.reduce((a, b) => a * b, 1);
  const next = rng(seed);
  const names = Object.keys(s.buffers);
  const ref = names.map((k) => round(uniform(n, s.buffers[k][0], s.buffers[k][1], next), dt));
  withEager(() =>
    tf.tidy(() => {
      const bufs = ref.map((a) => tf.constant(Array.from(a), dt, shape));
      for (let t = 1; t <= steps; t++) {
        const g = round(uniform(n, -1, 1, next), dt);
        const h = hypersAt(s, t, dt);
        tf.tidy(() => {
          const xs = s.order.map((k) => {
            const bi = names.indexOf(k);
            if (bi >= 0) return bufs[bi];
            if (isGrad(k)) return tf.constant(Array.from(g), dt, shape);
            return tf.constant(h[k], dt);
          });
          const out = s.call(xs);
          s.step(ref, g, h, t);
          names.forEach((k, i) => expectClose(Array.from(bufs[i].dataSync()), ref[i], tol(dt), `${s.op} ${dt} step ${t} ${k}`));
          expect(Array.from(out.dataSync()), 'output is the updated var').toEqual(Array.from(bufs[0].dataSync()));
          expect(out.shape).toEqual(shape);
        });
      }
    }),
  );
}

// One literal checkOp per op (the registry test looks for them by name).
const CHECK_OP: Record<string, (o: CheckOpOptions) => void> = {
  apply_gradient_descent: (o) => checkOp('apply_gradient_descent', o),
  apply_momentum: (o) => checkOp('apply_momentum', o),
  apply_adagrad: (o) => checkOp('apply_adagrad', o),
  apply_adadelta: (o) => checkOp('apply_adadelta', o),
  apply_rms_prop: (o) => checkOp('apply_rms_prop', o),
  apply_centered_rms_prop: (o) => checkOp('apply_centered_rms_prop', o),
  apply_adam: (o) => checkOp('apply_adam', o),
  apply_moving_average: (o) => checkOp('apply_moving_average', o),
};

for (const s of SPECS) {
  describe(`${s.op}: ${s.name}`, () => {
    // One step through checkOp (forward only: the update ops have no gradient).
    for (const shape of [[3, 4], [1], [0, 3]]) {
      const n = shape.reduce((a, b) => a * b, 1);
      const next = rng(3);
      const names = Object.keys(s.buffers);
      const h = hypersAt(s, 3, 'float64');
      const inputs = s.order.map((k) =>
        names.includes(k) ? uniform(n, s.buffers[k][0], s.buffers[k][1], next) : isGrad(k) ? undefined : [h[k]],
      );
      CHECK_OP[s.op]({
        fn: (...xs) => s.call(xs),
        shapes: s.order.map((k) => (names.includes(k) || isGrad(k) ? shape : [])),
        inputs,
        outShapes: [shape],
        forwardOnly: true,
        name: `${s.op} ${s.name} [${shape}] one step`,
        ref: (xs) => {
          const bufs = names.map((k) => Float64Array.from(xs[s.order.indexOf(k)]));
          const g = xs[s.order.findIndex(isGrad)];
          const hh: Record<string, number> = { ...s.hypers };
          s.order.forEach((k, i) => { if (!names.includes(k) && !isGrad(k)) hh[k] = xs[i][0]; });
          s.step(bufs, g, hh, 3);
          return bufs[0];
        },
      });
    }
    it('10 steps match the float64 reference (float64)', () => runSteps(s, 'float64', [4, 5], 10));
    it('10 steps match the float64 reference (float32)', () => runSteps(s, 'float32', [4, 5], 10));
    it('a big variable (threaded chunks) matches the reference', () => runSteps(s, 'float32', [300, 250], 2));

    it('NaN in grad propagates to that element only', () =>
      withEager(() => {
        const names = Object.keys(s.buffers);
        // Slots at 0.5 (ms at 1.5 so the centered denominator ms − mg² stays positive).
        const bufs = names.map((k) => tf.constant(new Array(3).fill(k === 'ms' ? 1.5 : 0.5), 'float64', [3]));
        const h = hypersAt(s, 1, 'float64');
        const xs = s.order.map((k) => {
          const bi = names.indexOf(k);
          if (bi >= 0) return bufs[bi];
          if (isGrad(k)) return tf.constant([0.1, NaN, -0.2], 'float64', [3]);
          return tf.constant(h[k], 'float64');
        });
        const v = Array.from(s.call(xs).dataSync());
        expect(Number.isNaN(v[1])).toBe(true);
        expect(Number.isFinite(v[0]) && Number.isFinite(v[2])).toBe(true);
      }));
  });
}

describe('apply_* in place', () => {
  it('updates the input buffers (eager: the Variable itself)', () =>
    withEager(() => {
      const W = new tf.Variable(tf.constant([1, 2, 3], 'float64'), { name: 'W' });
      const acc = tf.constant([0, 0, 0], 'float64');
      T.applyMomentum(W, acc, 0.5, tf.constant([1, 1, 1], 'float64'), 0.9).dispose();
      T.applyMomentum(W, acc, 0.5, tf.constant([1, 1, 1], 'float64'), 0.9).dispose();
      // accum: 1 then 1.9; W: 1 - 0.5 - 0.95
      expectClose(Array.from(acc.dataSync()), [1.9, 1.9, 1.9], { atol: 1e-14, rtol: 0 });
      expectClose(Array.from(W.dataSync()), [-0.45, 0.55, 1.55], { atol: 1e-14, rtol: 0 });
    }));

  it('graph mode: writes the Session\'s stored variable, once per run', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const W = new tf.Variable(tf.constant([1, 2], 'float32'), { name: 'W' });
      const step = T.applyGradientDescent(W, 0.25, tf.constant([1, -2], 'float32'));
      expect(step.shape).toEqual([2]);
      const sess = new tf.Session();
      sess.runSync(tf.globalVariablesInitializer());
      for (let i = 0; i < 3; i++) sess.runSync(step.op as tf.Operation);
      expectClose(Array.from(sess.runSync(W).dataSync()), [1 - 0.75, 2 + 1.5], { atol: 1e-6, rtol: 0 });
      // The fetched output is a copy: later updates do not change it.
      const out = sess.runSync(step);
      const before = Array.from(out.dataSync());
      sess.runSync(step.op as tf.Operation);
      expect(Array.from(out.dataSync())).toEqual(before);
      sess.close();
    });
  });
});

describe('apply_* shape inference in graph mode', () => {
  it('propagates unknown dims and fills them from the gradient', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const v = tf.placeholder('float32', [null, 3]);
      expect(T.applyGradientDescent(v, 0.1, tf.placeholder('float32', [2, 3])).shape).toEqual([2, 3]);
      expect(T.applyGradientDescent(v, 0.1, tf.placeholder('float32', [null, 3])).shape).toEqual([null, 3]);
      const m = tf.placeholder('float32', [null, null]);
      expect(T.applyAdam(v, m, m, 0.9, 0.99, 0.1, 0.9, 0.99, 1e-8, tf.placeholder('float32', [null, 3])).shape).toEqual([null, 3]);
    });
  });
  it('fails at build time on shapes that cannot match', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const v = tf.placeholder('float32', [null, 3]);
      expect(() => T.applyGradientDescent(v, 0.1, tf.placeholder('float32', [2, 4]))).toThrow(
        /apply_gradient_descent: 'delta' shape \[2,4\] does not match var shape \[\?,3\]/,
      );
    });
  });
});

describe('apply_* errors name the op, the argument, shapes and dtypes', () => {
  const f32 = (shape: number[], v = 0.5) => tf.constant(new Array(shape.reduce((a, b) => a * b, 1)).fill(v), 'float32', shape);
  const adamArgs = (over: Record<number, Tensor> = {}) => {
    const xs = [f32([2, 3]), f32([2, 3]), f32([2, 3]), f32([]), f32([]), f32([]), f32([]), f32([]), f32([]), f32([2, 3])];
    for (const [i, t] of Object.entries(over)) xs[Number(i)] = t;
    return xs;
  };
  it('wrong dtype', () =>
    withEager(() => {
      expect(() => T.applyGradientDescent(tf.constant([1, 2], 'int32'), 0.1, tf.constant([1, 2], 'int32'))).toThrow(
        /applyGradientDescent: expected float32 or float64 input 'var', got int32 \[2\]/,
      );
      expect(() => runOp('apply_gradient_descent', [tf.constant([1, 2], 'int32'), tf.constant(1, 'int32'), tf.constant([1, 2], 'int32')])).toThrow(
        /apply_gradient_descent: expected float32 or float64 input 'var', got int32 \(inputs: int32\[2\], int32\[\], int32\[2\]\)/,
      );
      expect(() => runOp('apply_adam', adamArgs({ 9: tf.constant([[1, 2, 3], [4, 5, 6]], 'float64') }))).toThrow(
        /apply_adam: 'grad' has dtype float64 but var is float32 \(inputs: float32\[2,3\], .*float64\[2,3\]\)/,
      );
    }));
  it('bad shapes', () =>
    withEager(() => {
      expect(() => runOp('apply_adam', adamArgs({ 9: f32([3]) }))).toThrow(/apply_adam: 'grad' shape \[3\] does not match var shape \[2,3\]/);
      expect(() => runOp('apply_adam', adamArgs({ 1: f32([3, 2]) }))).toThrow(/apply_adam: 'm' shape \[3,2\] does not match var shape \[2,3\]/);
      expect(() => runOp('apply_adam', adamArgs({ 5: f32([1]) }))).toThrow(/apply_adam: 'lr' must be a scalar, got shape \[1\]/);
      expect(() => runOp('apply_adam', adamArgs().slice(0, 9))).toThrow(/apply_adam: expected 10 input\(s\), got 9/);
    }));
  it('bad attributes', () =>
    withEager(() => {
      const xs = [f32([2]), f32([2]), f32([]), f32([2]), f32([])];
      expect(() => runOp('apply_momentum', xs, { use_nesterov: 'yes' })).toThrow(/apply_momentum: attribute 'use_nesterov' must be a boolean/);
      expect(() => runOp('apply_momentum', xs, { nesterov: true })).toThrow(/apply_momentum: unknown attribute 'nesterov'/);
      expect(() => runOp('apply_adagrad', [f32([2]), f32([2]), f32([]), f32([2])], { use_nesterov: true })).toThrow(
        /apply_adagrad: unknown attribute 'use_nesterov'/,
      );
    }));
  it('var and a slot sharing storage', () =>
    withEager(() => {
      const v = f32([3]);
      expect(() => T.applyMomentum(v, v, 0.1, f32([3]), 0.9)).toThrow(/apply_momentum: 'var' and 'accum' share storage/);
    }));
  it('a strided view as var is refused; a strided gradient is fine', () =>
    withEager(() => {
      const base = tf.constant([[1, 2, 3], [4, 5, 6]], 'float64');
      expect(() => T.applyGradientDescent(tf.transpose(base), 0.1, tf.constant([[1, 1], [1, 1], [1, 1]], 'float64'))).toThrow(
        /apply_gradient_descent: 'var' must be a dense variable buffer, got a strided view float64\[3,2\]/,
      );
      const v = tf.constant([[0, 0], [0, 0], [0, 0]], 'float64');
      T.applyGradientDescent(v, 1, tf.transpose(base));
      expect(Array.from(v.dataSync())).toEqual([-1, -4, -2, -5, -3, -6]);
    }));
});
