/** What the native build has, and its run-time switches. */
import { native } from './native.js';

export { cuda } from './cuda.js';

/** The build: BLAS ('openblas' or 'none'), CUDA (usable now / compiled in), OpenMP, threads. */
export function buildInfo(): { blas: string; cuda: boolean; cudaBuilt: boolean; openmp: boolean; threads: number } {
  return native.buildInfo();
}

/**
 * Run-time backend switches. `matmulBackend`: 'blas' (OpenBLAS, the default when built with it)
 * or 'builtin' (nodeflow's own cache-blocked GEMM).
 */
export function setBackendOption(name: 'matmulBackend', value: 'blas' | 'builtin'): void {
  if (name !== 'matmulBackend') throw new Error(`setBackendOption: unknown option '${String(name)}'`);
  native.setOption('matmul_backend', value);
}
export function getBackendOption(name: 'matmulBackend'): string {
  if (name !== 'matmulBackend') throw new Error(`getBackendOption: unknown option '${String(name)}'`);
  return native.getOption('matmul_backend');
}
