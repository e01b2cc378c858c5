#!/usr/bin/env node
// Reads the JSON lines of a bench run (nodeflow and an anchor for the same workloads) and prints
// one line per workload with the throughput ratio nodeflow / anchor (> 1: nodeflow is faster).
//   node scripts/bench-ratio.mjs bench.jsonl
import { readFileSync } from 'node:fs';

const lines = readFileSync(process.argv[2], 'utf8').trim().split('\n').filter(Boolean);
const rows = lines.map((l) => JSON.parse(l));
for (const workload of [...new Set(rows.map((r) => r.workload))]) {
  const ours = rows.find((r) => r.workload === workload && r.anchor.startsWith('nodeflow'));
  const theirs = rows.find((r) => r.workload === workload && !r.anchor.startsWith('nodeflow'));
  if (!ours || !theirs) {
    console.log(JSON.stringify({ workload, missing: ours ? 'anchor' : 'nodeflow' }));
    continue;
  }
  console.log(JSON.stringify({
    workload,
    nodeflow_ms: ours.ms_per_step,
    anchor_ms: theirs.ms_per_step,
    ratio_train_examples_per_s: +(ours.train_examples_per_s / theirs.train_examples_per_s)
      .toFixed(3),
    nodeflow: ours.anchor,
    anchor: theirs.anchor,
  }));
}
