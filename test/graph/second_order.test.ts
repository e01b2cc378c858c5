// Gradients of gradients through a whole small critic, as a WGAN-GP gradient penalty builds
// them: conv2d + bias + leaky relu + max pool + dense + tanh, in graph mode (tf.gradients of
// tf.gradients), float64, against finite differences of the penalty through Session.run.
import { describe, expect, it } from 'vitest';
import * as tf from '../../lib/index.js';
import { inGraph } from '../helpers/check_op.js';
import { rng, uniform } from '../helpers/random.js';

describe('second order through a conv net (gradient penalty)', () => {
  it('d penalty / d weights matches finite differences', async () => {
    await inGraph(async (g) => {
      const shapes = { x: [2, 5, 5, 1], f: [3, 3, 1, 2], b: [2], w: [18, 3] };
      const x = tf.placeholder('float64', shapes.x, 'x');
      const f = tf.placeholder('float64', shapes.f, 'f');
      const b = tf.placeholder('float64', shapes.b, 'b');
      const w = tf.placeholder('float64', shapes.w, 'w');
      const h = tf.nn.leakyRelu(tf.nn.biasAdd(tf.nn.conv2d(x, f, 1, 'SAME'), b), 0.2);
      const p = tf.nn.maxPool(h, 2, 2, 'SAME');                      // [2, 3, 3, 2]
      const critic = tf.reduceSum(tf.tanh(tf.matmul(tf.reshape(p, [2, 18]), w)));
      const [dx] = tf.gradients(critic, [x]);
      const penalty = tf.reduceSum(tf.square(dx!), undefined, false, { name: 'penalty' });
      const grads = tf.gradients(penalty, [f, b, w]);
      expect(grads.every((t) => t !== null)).toBe(true);

      const next = rng(11);
      const values: Record<string, Float64Array> = {};
      for (const [k, s] of Object.entries(shapes)) values[k] = uniform(s.reduce((a, c) => a * c, 1), -1, 1, next);
      // A Float64Array feed fills its placeholder's shape.
      const feeds = (v: Record<string, Float64Array>) => ({ x: v.x, f: v.f, b: v.b, w: v.w });
      const sess = new tf.Session({ graph: g });
      const analytic = ((await sess.run(grads as tf.Tensor[], feeds(values))) as tf.Tensor[]).map((t) => t.dataSync());
      const h0 = 1e-6;
      for (const [gi, k] of ['f', 'b', 'w'].entries()) {
        for (let e = 0; e < values[k].length; e += 3) {
          const plus = { ...values, [k]: Float64Array.from(values[k]) };
          const minus = { ...values, [k]: Float64Array.from(values[k]) };
          plus[k][e] += h0;
          minus[k][e] -= h0;
          const [yp] = await sess.run([penalty], feeds(plus));
          const [ym] = await sess.run([penalty], feeds(minus));
          const numeric = ((yp.item() as number) - (ym.item() as number)) / (2 * h0);
          expect(analytic[gi][e], `d penalty / d ${k}[${e}]`).toBeCloseTo(numeric, 6);
        }
      }
    });
  });
});

