import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Examples import 'nodeflow' as users do; in tests that is the TypeScript source.
  resolve: { alias: { nodeflow: fileURLToPath(new URL('./lib/index.ts', import.meta.url)) } },
  test: {
    include: ['test/**/*.test.ts'],
    // Forks, not worker threads: each test file gets its own process and its own addon state.
    pool: 'forks',
    poolOptions: { forks: { minForks: 1, maxForks: 2 } },
    testTimeout: 60_000,
    // Ops without tf.device run on the CPU even where a GPU is present, so every test keeps the
    // CPU kernels' semantics; the CUDA tests (checkOp's 'cpu vs cuda', test/cuda) ask for cuda:0.
    env: { NODEFLOW_DEFAULT_DEVICE: 'cpu' },
    reporters: ['default'],
  },
});
