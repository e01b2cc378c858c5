/**
 * Where the benchmarks run: on cuda:0 when a GPU is present (ops without tf.device go there),
 * else on the CPU. On the GPU a step is timed to its completion (kernels are asynchronous), as
 * the PyTorch GPU anchor (bench/torch_gpu.py) synchronises after each step.
 */
import * as tf from 'nodeflow';

const onGpu = () => tf.cuda.isAvailable() && tf.getBackendOption('defaultDevice') === 'auto';

/** The `anchor` field of the JSON line: nodeflow-cuda-<gemm>, nodeflow-openblas, ... */
export function anchorName(): string {
  if (onGpu()) return `nodeflow-cuda-${tf.cuda.info().builtCublas ? 'cublas' : 'own-gemm'}`;
  return `nodeflow-${tf.buildInfo().blas === 'none' ? 'builtin-gemm' : 'openblas'}`;
}

/** Call at the end of a timed step: waits for the GPU's queued work. */
export function stepDone(): void {
  if (onGpu()) tf.cuda.synchronize();
}
