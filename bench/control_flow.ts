/**
 * Loops. `control`: the cost of tf.whileLoop's iterations: the same RNN (h = tanh(h·W + x_t), batch 32, hidden 64,
 * T = 50 steps, loss on the last h, plain SGD step) built as one whileLoop and unrolled into T
 * copies of the cell in the graph. Both run the same kernels, so the difference per iteration is
 * the loop's own cost (running the condition and body sub-plans, recording the iterations for
 * the gradient, replaying them backwards). One JSON line. `lstm`: an LSTM training step
 * (benchLstm).
 */
import * as tf from 'nodeflow';

const [T, B, H] = [50, 32, 64];

function build(loop: boolean): tf.Operation {
  tf.resetDefaultGraph();
  tf.setRandomSeed(1);
  const xs = tf.placeholder('float32', [T, B, H], 'xs');
  const W = new tf.Variable(tf.randomNormal([H, H], { stddev: 0.1 }), { name: 'W' });
  const cell = (h: tf.Tensor, x: tf.Tensor) => tf.tanh(tf.add(tf.matmul(h, W), x));
  let h = tf.zeros([B, H]);
  if (loop) {
    h = tf.whileLoop((t) => tf.less(t, T), (t, h) => [tf.add(t, 1), cell(h, tf.gather(xs, t))], [tf.constant(0, 'int32'), h])[1];
  } else {
    for (let t = 0; t < T; t++) h = cell(h, tf.gather(xs, t));
  }
  return new tf.train.GradientDescentOptimizer(0.01).minimize(tf.reduceMean(tf.square(h)));
}

/** The best mean time of a training step: `rounds` of `per` runs, after one warm-up run. */
async function bestStepMs(train: tf.Operation, feeds: tf.Feeds, rounds: number, per: number): Promise<number> {
  const sess = new tf.Session();
  await sess.run(tf.globalVariablesInitializer());
  await sess.run(train, feeds);
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    for (let i = 0; i < per; i++) await sess.run(train, feeds);
    best = Math.min(best, (performance.now() - t0) / per);
  }
  sess.close();
  return best;
}

/**
 * [loop, unrolled]: the best step times of the two builds, each built twice and alternated, so
 * drift on a shared machine hits both alike.
 */
async function loopVsUnrolled(build: (loop: boolean) => tf.Operation, feeds: tf.Feeds, rounds: number, per: number): Promise<[number, number]> {
  const [loop, unrolled] = [[] as number[], [] as number[]];
  for (let k = 0; k < 2; k++) {
    loop.push(await bestStepMs(build(true), feeds, rounds, per));
    unrolled.push(await bestStepMs(build(false), feeds, rounds, per));
  }
  return [Math.min(...loop), Math.min(...unrolled)];
}

export async function benchControlFlow(): Promise<void> {
  tf.disableEagerExecution();
  const feeds = { xs: Float32Array.from({ length: T * B * H }, (_, i) => Math.sin(i) * 0.5) };
  const [l, u] = await loopVsUnrolled(build, feeds, 5, 10);
  console.log(JSON.stringify({
    workload: 'while_loop_rnn', steps: T, batch: B, hidden: H,
    loop_train_step_ms: +l.toFixed(3), unrolled_train_step_ms: +u.toFixed(3),
    loop_vs_unrolled: +(l / u).toFixed(3), overhead_us_per_iteration: +(((l - u) * 1000) / T).toFixed(1),
  }));
}

/**
 * An LSTM training step (tf.nn.dynamicRnn + BasicLSTMCell, batch 32, 50 steps, 32 inputs, 128
 * units, loss on all outputs, Adam), as one whileLoop and with the same cell unrolled; the
 * fields of bench/torch_lstm.py (PyTorch's nn.LSTM on the same sizes) for a ratio.
 */
export async function benchLstm(): Promise<void> {
  tf.disableEagerExecution();
  const [B, T, D, U] = [32, 50, 32, 128];
  const feeds = { x: Float32Array.from({ length: B * T * D }, (_, i) => Math.sin(i)) };
  const build = (loop: boolean) => {
    tf.resetDefaultGraph();
    tf.setRandomSeed(1);
    const x = tf.placeholder('float32', [B, T, D], 'x');
    const cell = new tf.nn.rnnCell.BasicLSTMCell(U);
    let out: tf.Tensor;
    if (loop) {
      out = tf.nn.dynamicRnn(cell, x)[0];
    } else {
      let s = cell.zeroState(B);
      const outs: tf.Tensor[] = [];
      for (let t = 0; t < T; t++) {
        const [o, next] = cell.call(tf.reshape(tf.slice(x, [0, t, 0], [B, 1, D]), [B, D]), s);
        outs.push(o);
        s = next;
      }
      out = tf.stack(outs, 1);
    }
    return new tf.train.AdamOptimizer(1e-3).minimize(tf.reduceMean(tf.square(out)));
  };
  const [l, u] = await loopVsUnrolled(build, feeds, 3, 5);
  console.log(JSON.stringify({
    workload: 'lstm_train', framework: 'nodeflow', batch: B, steps: T, inputs: D, units: U,
    train_step_ms: +l.toFixed(2), train_sequences_per_s: Math.round((B * 1000) / l),
    unrolled_train_step_ms: +u.toFixed(2),
  }));
}
