/**
 * `npm run bench [-- gemm|elementwise|reduce|conv|mlp|cnn|graph|control|lstm|all] [--epochs N]`: one JSON line per workload,
 * with the same fields as the anchors in ../shared/bench, so both run side by side
 * (scripts/bench-vs-anchors.sh) and compare as ratios within one run.
 */
import { benchElementwise, benchGemm, benchReduce } from './ops.js';
import { benchMlp } from './mlp.js';
import { benchCnn } from './cnn.js';
import { benchConv } from './conv.js';
import { benchGraph } from './graph.js';
import { benchControlFlow, benchLstm } from './control_flow.js';

const args = process.argv.slice(2);
const which = new Set(args.filter((a) => !a.startsWith('--') && !/^\d+$/.test(a)));
const epochsAt = args.indexOf('--epochs');
const epochs = epochsAt >= 0 ? Number(args[epochsAt + 1]) : 1;
const all = which.size === 0 || which.has('all');

if (all || which.has('gemm')) benchGemm();
if (all || which.has('elementwise')) benchElementwise();
if (all || which.has('reduce')) benchReduce();
if (all || which.has('mlp')) await benchMlp(epochs);
if (all || which.has('conv')) benchConv();
if (all || which.has('cnn')) await benchCnn();
if (all || which.has('graph')) await benchGraph();
if (all || which.has('control')) await benchControlFlow();
if (all || which.has('lstm')) await benchLstm();
