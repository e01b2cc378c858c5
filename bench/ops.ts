/**
 * Op-level benchmarks, one JSON line each: sgemm GFLOP/s (BLAS path, built-in GEMM, and
 * OpenBLAS called from plain C as the yardstick), a large elementwise op and a reduction in GB/s.
 * Each figure is the best of several timed repetitions after a warm-up (shared, noisy machines).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from 'nodeflow';
import { packageRoot } from '../lib/native.js';
import { bestMs } from './timing.js';

export function benchGemm(sizes = [256, 512, 1024, 2048]): void {
  tf.enableEagerExecution();
  const backends = tf.buildInfo().blas === 'none' ? (['builtin'] as const) : (['blas', 'builtin'] as const);
  for (const n of sizes) {
    const reps = n >= 2048 ? 3 : n >= 1024 ? 5 : 20;
    tf.tidy(() => {
      const a = tf.randomUniform([n, n]);
      const b = tf.randomUniform([n, n]);
      for (const backend of backends) {
        tf.setBackendOption('matmulBackend', backend);
        // The timed call is the matmul op itself (dispatch + GEMM); its output is freed at once.
        const ms = bestMs(() => tf.matmul(a, b).dispose(), reps);
        console.log(JSON.stringify({ workload: `sgemm_${backend}`, n, gflops: +((2 * n ** 3) / ms / 1e6).toFixed(2), ms: +ms.toFixed(3) }));
      }
      // CMake puts the C yardstick beside the addon's folder (build/) or in it (multi-config).
      const ref = ['openblas_ref', 'Release/openblas_ref'].map((p) => join(packageRoot(), 'build', p)).find(existsSync);
      if (ref) process.stdout.write(execFileSync(ref, [String(n), String(reps)], { encoding: 'utf8' }));
    });
  }
  tf.setBackendOption('matmulBackend', backends[0]);
}

export function benchElementwise(n = 1 << 24): void {
  tf.enableEagerExecution();
  tf.tidy(() => {
    const a = tf.randomUniform([n]);
    const b = tf.randomUniform([n]);
    // add reads two float32 arrays and writes one: 12 bytes per element.
    const ms = bestMs(() => tf.add(a, b).dispose(), 10);
    console.log(JSON.stringify({ workload: 'elementwise_add_f32', n, gb_per_s: +((12 * n) / ms / 1e6).toFixed(2), ms: +ms.toFixed(3) }));
    const msr = bestMs(() => tf.nn.relu(a).dispose(), 10);
    console.log(JSON.stringify({ workload: 'elementwise_relu_f32', n, gb_per_s: +((8 * n) / msr / 1e6).toFixed(2), ms: +msr.toFixed(3) }));
  });
}

export function benchReduce(n = 1 << 24): void {
  tf.enableEagerExecution();
  tf.tidy(() => {
    const a = tf.randomUniform([n]);
    // A full sum reads 4 bytes per element.
    const ms = bestMs(() => tf.reduceSum(a).dispose(), 10);
    console.log(JSON.stringify({ workload: 'reduce_sum_f32', n, gb_per_s: +((4 * n) / ms / 1e6).toFixed(2), ms: +ms.toFixed(3) }));
    const m = tf.reshape(a, [n / 1024, 1024]);
    const msc = bestMs(() => tf.reduceSum(m, 0).dispose(), 10);
    console.log(JSON.stringify({ workload: 'reduce_sum_axis0_f32', n, gb_per_s: +((4 * n) / msc / 1e6).toFixed(2), ms: +msc.toFixed(3) }));
  });
}
