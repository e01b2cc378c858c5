/**
 * Devices as every machine sees them: tf.cuda (build and run-time facts, allocator switches),
 * Tensor.device / .to(), tf.device in eager and graph mode, the Session's placement config
 * (allowSoftPlacement, logDevicePlacement, deviceCount, gpuOptions) and `nodeflow doctor`.
 * On a machine without a GPU the CUDA requests fall back to the CPU (soft placement) or fail
 * with a message saying why; with a GPU the same tests check that ops really ran there.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as tf from '../../lib/index.js';
import { doctorReport } from '../../lib/doctor.js';
import { withEager } from '../helpers/check_op.js';
import { hasCuda } from '../helpers/devices.js';

const gpu = hasCuda ? 'cuda:0' : 'cpu';   // where an op with a CUDA kernel lands when asked

describe('tf.cuda', () => {
  it('info() agrees with isAvailable() and buildInfo(), and says why CUDA is off', () => {
    const info = tf.cuda.info();
    expect(info.available).toBe(tf.cuda.isAvailable());
    expect(info.built).toBe(tf.buildInfo().cudaBuilt);
    if (info.available) {
      expect(info.reason).toBe('');
      expect(info.devices.length).toBeGreaterThan(0);
      expect(info.devices[0].totalBytes).toBeGreaterThan(0);
    } else {
      expect(info.reason.length).toBeGreaterThan(10);
      expect(info.devices).toEqual([]);
    }
  });
  it('hasKernel: CUDA builds list their kernels; unknown ops are an error', () => {
    const built = tf.buildInfo().cudaBuilt;
    expect(tf.cuda.hasKernel('add')).toBe(built);
    expect(tf.cuda.hasKernel('matmul')).toBe(built);
    expect(tf.cuda.hasKernel('multinomial')).toBe(false);   // runs on the CPU everywhere
    expect(() => tf.cuda.hasKernel('nope')).toThrow(/unknown op 'nope'/);
  });
  it('memoryInfo reports the caching allocator; emptyCache and limits are safe anywhere', () => {
    const m = tf.cuda.memoryInfo();
    for (const k of ['bytesInUse', 'bytesCached', 'bytesReserved', 'peakBytesInUse', 'numDeviceAllocs', 'limitBytes'] as const) {
      expect(m[k], k).toBeGreaterThanOrEqual(0);
    }
    tf.cuda.emptyCache();
    expect(tf.cuda.memoryInfo().bytesCached).toBe(0);
    tf.cuda.setMemoryLimit(512);
    expect(tf.cuda.memoryInfo().limitBytes).toBe(tf.buildInfo().cudaBuilt ? 512 * 2 ** 20 : 0);
    tf.cuda.setMemoryLimit(null);
    expect(tf.cuda.memoryInfo().limitBytes).toBe(0);
  });
  it('switches validate their arguments', () => {
    expect(() => tf.cuda.setMemoryLimit(-1)).toThrow(/positive number of MiB or null/);
    expect(() => tf.cuda.setMemoryLimit('1' as never)).toThrow(/positive number of MiB or null/);
    expect(() => tf.cuda.setAllowTf32(1 as never)).toThrow(/expected a boolean/);
    tf.cuda.setAllowTf32(false);
    expect(() => tf.setBackendOption('defaultDevice', 'gpu' as never)).toThrow(/default_device must be 'auto' or 'cpu'/);
    expect(() => tf.getBackendOption('nope' as never)).toThrow(/unknown option 'nope'/);
  });
});

describe('Tensor.device and .to()', () => {
  it('tensors live on the CPU unless placed (the test environment sets defaultDevice cpu)', () =>
    withEager(() => {
      expect(tf.getBackendOption('defaultDevice')).toBe('cpu');
      const y = tf.add(tf.constant([1, 2]), tf.constant([3, 4]));
      expect(y.device).toBe('cpu');
      expect(y.to('cpu').arraySync()).toEqual([4, 6]);
    }));
  it.runIf(!hasCuda)('to("cuda:0") says why CUDA is unavailable', () =>
    withEager(() => {
      expect(() => tf.constant([1]).to('cuda:0')).toThrow(/to\('cuda:0'\): CUDA is not available: .{10}/);
    }));
  it.runIf(hasCuda)('to("cuda:0") and back keeps the values, dtype and shape', () =>
    withEager(() => {
      for (const dtype of ['float32', 'float64', 'int32', 'bool'] as const) {
        const x = tf.constant([1, 0, 3, 4, 5, 0], dtype, [2, 3]);
        const g = x.to('cuda:0');
        expect(g.device).toBe('cuda:0');
        expect(g.dtype).toBe(dtype);
        expect(g.arraySync()).toEqual(x.arraySync());
        expect(g.to('cpu').arraySync()).toEqual(x.arraySync());
      }
    }));
  it('rejects unknown devices and devices other than 0', () =>
    withEager(() => {
      expect(() => tf.constant([1]).to('tpu:0')).toThrow(/unknown device 'tpu:0'/);
      expect(() => tf.constant([1]).to('cuda:1')).toThrow(/only device 0 is supported/);
      expect(() => tf.device('cuda:1', () => tf.add(tf.constant([1]), tf.constant([1])))).toThrow(/only device 0/);
    }));
  it('tf.device in eager mode: cuda:0 runs there when possible, else softly on the CPU', () =>
    withEager(() => {
      const y = tf.device('cuda:0', () => tf.mul(tf.constant([1, 2, 3]), tf.constant(2)));
      expect(y.device).toBe(gpu);
      expect(y.arraySync()).toEqual([2, 4, 6]);
      const z = tf.device('/device:CPU:0', () => tf.mul(y, tf.constant(2)));
      expect(z.device).toBe('cpu');
      expect(z.arraySync()).toEqual([4, 8, 12]);
      // No CUDA kernel anywhere: the CPU, with its inputs copied there.
      const s = tf.device('cuda:0', () => tf.multinomial(tf.log(tf.constant([[0.5, 0.5]])), 3, { seed: 1 }));
      expect(s.device).toBe('cpu');
    }));
  it('graph tensors report the device their node asked for', () => {
    tf.disableEagerExecution();
    tf.resetDefaultGraph();
    const a = tf.placeholder('float32', [2]);
    expect(tf.add(a, a).device).toBe('');
    expect(tf.device('/gpu:0', () => tf.add(a, a)).device).toBe('/gpu:0');
  });
});

describe('Session placement config', () => {
  beforeEach(() => {
    tf.disableEagerExecution();
    tf.resetDefaultGraph();
  });
  afterEach(() => vi.restoreAllMocks());

  it('rejects unknown or mistyped fields', () => {
    expect(() => new tf.Session({ config: { allowSoftPlacment: true } as never })).toThrow(/unknown config field 'allowSoftPlacment'/);
    expect(() => new tf.Session({ config: { logDevicePlacement: 1 } as never })).toThrow(/logDevicePlacement must be a boolean/);
    expect(() => new tf.Session({ config: { gpuOptions: { allowGrowht: true } } as never })).toThrow(/unknown gpuOptions field 'allowGrowht'/);
    expect(() => new tf.Session({ config: { gpuOptions: { perProcessGpuMemoryFraction: 2 } } })).toThrow(/must be in \(0, 1\]/);
    expect(() => new tf.Session({ config: { deviceCount: { GPU: -1 } } })).toThrow(/non-negative integer/);
  });
  it('allowSoftPlacement: false fails for a node on cuda:0 that cannot run there, naming it', async () => {
    const s = tf.nameScope('sampler', () =>
      tf.device('cuda:0', () => tf.multinomial(tf.constant([[0, 0]]), 2, { seed: 3 })));
    const sess = new tf.Session({ config: { allowSoftPlacement: false } });
    await expect(sess.run(s)).rejects.toThrow(/multinomial: cannot run on cuda:0: .*\(allowSoftPlacement is off\)/);
    expect(() => sess.runSync(s)).toThrow(/^node 'sampler\/multinomial': multinomial: cannot run/);
  });
  it('soft placement (the default) runs it on the CPU', async () => {
    const s = tf.device('cuda:0', () => tf.multinomial(tf.constant([[0, 0]]), 2, { seed: 3 }));
    const v = await new tf.Session().run(s);
    expect(v.shape).toEqual([1, 2]);
    expect(v.device).toBe('cpu');
  });
  it('logDevicePlacement prints each node once per compiled plan; fetched values are host tensors', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const x = tf.placeholder('float32', [2], 'x');
    const w = new tf.Variable(tf.constant([1, 2]), { name: 'w' });
    const y = tf.device('cuda:0', () => tf.mul(x, w));
    const z = tf.device('cpu', () => tf.add(y, 1));
    const sess = new tf.Session({ config: { logDevicePlacement: true } });
    await sess.run(tf.globalVariablesInitializer());
    const out = await sess.run(z, { x: [3, 4] });
    await sess.run(z, { x: [5, 6] });
    expect(out.arraySync()).toEqual([4, 9]);
    expect(out.device).toBe('cpu');
    const lines = log.mock.calls.map((c) => String(c[0]));
    expect(lines).toContain(`mul: (mul): ${gpu}`);
    expect(lines).toContain('add: (add): cpu');
    expect(lines.filter((l) => l.startsWith('mul:')).length).toBe(1);   // once per plan
    expect(lines.some((l) => l.startsWith('w: (variable): '))).toBe(true);
  });
  it('deviceCount { GPU: 0 } keeps unplaced nodes on the CPU', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    tf.setBackendOption('defaultDevice', 'auto');
    try {
      const y = tf.add(tf.constant([1]), tf.constant([2]));
      const sess = new tf.Session({ config: { deviceCount: { GPU: 0 }, logDevicePlacement: true } });
      expect((await sess.run(y)).arraySync()).toEqual([3]);
      expect(log.mock.calls.map((c) => String(c[0]))).toContain('add: (add): cpu');
    } finally {
      tf.setBackendOption('defaultDevice', 'cpu');
    }
  });
  it('defaultDevice auto puts unplaced nodes on cuda:0 when a GPU is present', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    tf.setBackendOption('defaultDevice', 'auto');
    try {
      const y = tf.add(tf.constant([1]), tf.constant([2]));
      const sess = new tf.Session({ config: { logDevicePlacement: true } });
      expect((await sess.run(y)).arraySync()).toEqual([3]);
      expect(log.mock.calls.map((c) => String(c[0]))).toContain(`add: (add): ${gpu}`);
    } finally {
      tf.setBackendOption('defaultDevice', 'cpu');
    }
  });
  it('gpuOptions: memoryLimitMb caps the allocator; allowGrowth: false warns once', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    new tf.Session({ config: { gpuOptions: { memoryLimitMb: 256, allowGrowth: false } } });
    new tf.Session({ config: { gpuOptions: { allowGrowth: false } } });
    expect(tf.cuda.memoryInfo().limitBytes).toBe(tf.buildInfo().cudaBuilt ? 256 * 2 ** 20 : 0);
    expect(warn.mock.calls.length).toBe(1);
    expect(String(warn.mock.calls[0][0])).toMatch(/allowGrowth: false .* is not supported/);
    tf.cuda.setMemoryLimit(null);
  });
});

describe('nodeflow doctor', () => {
  it('reports BLAS, CUDA (built or not), cuBLAS, cuDNN and the GPUs or why there are none', () => {
    const text = doctorReport().join('\n');
    expect(text).toMatch(/^nodeflow \d+\.\d+\.\d+ on Node\.js/);
    expect(text).toMatch(/\nBLAS: +(openblas|none)/);
    expect(text).toMatch(/\nCUDA: +(built with \d+\.\d+ for sm [\d,]+|not built)/);
    if (tf.buildInfo().cudaBuilt) {
      expect(text).toMatch(/\ncuBLAS: /);
      expect(text).toMatch(/\ncuDNN: /);
      expect(text).toMatch(hasCuda ? /\nGPU 0: +.+ \(sm_\d+, \d+ SMs\), [\d.]+ GiB/ : /\nGPUs: +none usable: .+/);
    }
  });
});
