/**
 * Graph-mode overhead, the cost a deep model pays per node: a stack of `layers` dense 32→32
 * ReLU layers with an Adam step, batch 8 (tiny kernels, so the figures are the framework's own
 * cost). One JSON line per depth: build time (layers + gradients + Adam), the first run (plan
 * compilation), and the steady step, each also per graph node. Two depths, 4× apart: per-node
 * figures that grow with depth mean something is quadratic in the graph size (as uniqueName's
 * suffix probing and the executor's copy forgetting once were).
 */
import * as tf from 'nodeflow';

async function one(layers: number): Promise<void> {
  tf.disableEagerExecution();
  tf.resetDefaultGraph();
  const t0 = performance.now();
  const x = tf.placeholder('float32', [null, 32], 'x');
  let h = x;
  for (let i = 0; i < layers; i++) h = tf.layers.dense(h, { units: 32, activation: tf.nn.relu });
  const loss = tf.reduceMean(tf.square(h));
  const train = new tf.train.AdamOptimizer(1e-3).minimize(loss);
  const buildMs = performance.now() - t0;
  const nodes = tf.getDefaultGraph().getOperations().length;
  const sess = new tf.Session();
  await sess.run(tf.globalVariablesInitializer());
  const feeds = { x: new Float32Array(8 * 32).fill(0.1) };
  let t = performance.now();
  await sess.run(train, feeds);
  const firstMs = performance.now() - t;
  let stepMs = Infinity;
  for (let rep = 0; rep < 3; rep++) {
    t = performance.now();
    for (let i = 0; i < 10; i++) await sess.run(train, feeds);
    stepMs = Math.min(stepMs, (performance.now() - t) / 10);
  }
  sess.close();
  const perNodeUs = (ms: number) => +((ms * 1000) / nodes).toFixed(2);
  console.log(JSON.stringify({
    workload: 'graph_overhead', layers, nodes,
    build_ms: +buildMs.toFixed(1), first_run_ms: +firstMs.toFixed(1), step_ms: +stepMs.toFixed(3),
    build_us_per_node: perNodeUs(buildMs), first_run_us_per_node: perNodeUs(firstMs),
    step_us_per_node: perNodeUs(stepMs),
  }));
}

export async function benchGraph(): Promise<void> {
  for (const layers of [100, 400]) await one(layers);
}
