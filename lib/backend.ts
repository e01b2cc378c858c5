/** What the native build has, and its run-time switches. */
import { native } from './native.js';

export { cuda } from './cuda.js';

/** The build: BLAS ('openblas' or 'none'), CUDA (usable now / compiled in), OpenMP, threads. */
export function buildInfo(): {
  blas: string;
  cuda: boolean;
  cudaBuilt: boolean;
  openmp: boolean;
  threads: number;
} {
  return native.buildInfo();
}

/**
 * Run-time backend switches. `matmulBackend`: 'blas' (OpenBLAS, the default when built with it)
 * or 'builtin' (nodeflow's own cache-blocked GEMM). `defaultDevice`: 'auto' (ops without
 * tf.device run on cuda:0 when a GPU is present, as TF) or 'cpu'; the environment variable
 * NODEFLOW_DEFAULT_DEVICE sets it at start.
 */
export function setBackendOption(name: 'matmulBackend', value: 'blas' | 'builtin'): void;
export function setBackendOption(name: 'defaultDevice', value: 'auto' | 'cpu'): void;
export function setBackendOption(name: string, value: string): void {
  native.setOption(optionName(name, 'setBackendOption'), value);
}
export function getBackendOption(name: 'matmulBackend' | 'defaultDevice'): string {
  return native.getOption(optionName(name, 'getBackendOption'));
}

function optionName(name: string, fn: string): string {
  if (name === 'matmulBackend') return 'matmul_backend';
  if (name === 'defaultDevice') return 'default_device';
  throw new Error(`${fn}: unknown option '${String(name)}' (matmulBackend, defaultDevice)`);
}
