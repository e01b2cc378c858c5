/**
 * Per-op conv timings at the MNIST ConvNet's shapes (batch 50), one JSON line each: conv2d
 * forward, backward-input and backward-filter in GFLOP/s and as a fraction of the machine's sgemm
 * (1024³, BLAS path) measured in the same run; conv2d + bias + ReLU as three ops and as the fused
 * kernel the graph substitutes (lib/graph/fuse.ts); max pooling forward and backward in ms.
 * Each figure is the best of several repetitions after a warm-up (shared, noisy machines).
 */
import * as tf from 'nodeflow';
import { runOp } from '../lib/engine.js';
import { bestMs } from './timing.js';

const LAYERS = [
  { layer: 'conv1', x: [50, 28, 28, 1], f: [5, 5, 1, 32] },
  { layer: 'conv2', x: [50, 14, 14, 32], f: [5, 5, 32, 64] },
];
const SAME = { strides: [1, 1], dilations: [1, 1], padding: 'SAME' };

export function benchConv(): void {
  tf.enableEagerExecution();
  tf.tidy(() => {
    const a = tf.randomUniform([1024, 1024]);
    const sgemmMs = bestMs(() => tf.matmul(a, a).dispose(), 5);
    const sgemm = (2 * 1024 ** 3) / sgemmMs / 1e6;
    console.log(JSON.stringify({ workload: 'sgemm_1024', gflops: +sgemm.toFixed(1) }));
    for (const { layer, x: xs, f: fs } of LAYERS) {
      const x = tf.randomUniform(xs);
      const f = tf.randomUniform(fs);
      const dy = tf.randomUniform([...xs.slice(0, 3), fs[3]]);
      // Each of the three is one GEMM-shaped pass of 2·N·H·W·KH·KW·Cin·Cout flops (SAME, stride 1).
      const flops = 2 * xs[0] * xs[1] * xs[2] * fs[0] * fs[1] * fs[2] * fs[3];
      const passes: [string, () => tf.Tensor][] = [
        ['conv2d_fwd', () => runOp('conv2d', [x, f], SAME)[0]],
        ['conv2d_bwd_input', () => runOp('conv2d_backward_input', [dy, f, x], SAME)[0]],
        ['conv2d_bwd_filter', () => runOp('conv2d_backward_filter', [x, dy, f], SAME)[0]],
      ];
      for (const [workload, fn] of passes) {
        const ms = bestMs(() => fn().dispose(), 10);
        const gflops = flops / ms / 1e6;
        console.log(JSON.stringify({
          workload, layer, x: xs, filter: fs, ms: +ms.toFixed(3), gflops: +gflops.toFixed(1),
          of_sgemm: +(gflops / sgemm).toFixed(3),
        }));
      }
      const bias = tf.randomUniform([fs[3]]);
      const unfused = bestMs(() => tf.tidy(() => tf.nn.relu(tf.add(runOp('conv2d', [x, f], SAME)[0], bias))).dispose(), 10);
      const fused = bestMs(() => runOp('fused_conv2d', [x, f, bias], { ...SAME, activation: 'relu' })[0].dispose(), 10);
      console.log(JSON.stringify({
        workload: 'conv2d_bias_relu', layer, unfused_ms: +unfused.toFixed(3), fused_ms: +fused.toFixed(3),
        saved_ms: +(unfused - fused).toFixed(3),
      }));
      const pool = { ksize: [2, 2], strides: [2, 2], padding: 'SAME' };
      const relu = tf.nn.relu(dy);
      const pooled = runOp('max_pool', [relu], pool)[0];
      const fwd = bestMs(() => runOp('max_pool', [relu], pool)[0].dispose(), 10);
      const bwd = bestMs(() => runOp('max_pool_backward', [pooled, relu], pool)[0].dispose(), 10);
      console.log(JSON.stringify({ workload: 'max_pool_fwd', layer, x: relu.shape, ms: +fwd.toFixed(3) }));
      console.log(JSON.stringify({ workload: 'max_pool_bwd', layer, x: relu.shape, ms: +bwd.toFixed(3) }));
    }
  });
}
