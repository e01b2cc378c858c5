import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '../../lib/index.js';
import { summary } from './summary_ns.js';
import { all, bytes, doubles, f32, f64, fields, int, one, readRecords, str } from './decode.js';

const root = mkdtempSync(join(tmpdir(), 'nf-events-'));
let n = 0;
const freshDir = () => join(root, `run${n++}`);
afterAll(() => execFileSync('rm', ['-rf', root]));

// .ci/run installs python3-protobuf and sets NODEFLOW_CI=1: in CI this check always runs.
const hasPyProtobuf = process.env.NODEFLOW_CI === '1' ||
  spawnSync('/usr/bin/python3', ['-c', 'import google.protobuf'], { stdio: 'ignore' }).status === 0;

/** A small graph with every summary kind, run once per step and written with a FileWriter. */
async function writeRun(dir: string) {
  const g = new tf.Graph();
  const t0 = Date.now() / 1000;
  const { sess, merged, x, init } = g.asDefault(() => {
    const x = tf.placeholder('float32', [null, 2, 2, 1], 'x');
    const W = new tf.Variable(tf.constant([[1, -1], [0.5, 2]]), { name: 'W' });
    const y = tf.nameScope('layer', () => tf.add(tf.mul(x, 2), 1));
    tf.nameScope('train', () => summary.scalar('loss', tf.constant(0.25)));
    summary.histogram('weights', W);
    summary.image('img', y, { maxOutputs: 1 });
    summary.text('notes', '**hello** nodeflow');
    return { sess: new tf.Session({ graph: g }), merged: summary.mergeAll()!, x, init: tf.globalVariablesInitializer() };
  });
  await sess.run(init);
  const writer = new summary.FileWriter(dir, g);
  for (const step of [0, 10, 20]) {
    const bytes = await merged.run(sess, new Map([[x, [[[[step], [1]], [[0], [-1]]]]]]));
    writer.addSummary(bytes, step);
  }
  writer.addSummary({ value: [{ tag: 'manual', simpleValue: -3.5 }] }, 2 ** 40);
  writer.close();
  return { t0, t1: Date.now() / 1000, g, file: join(dir, readdirSync(dir)[0]) };
}

describe('FileWriter event files (independent decoder)', () => {
  it('writes TFRecords with valid CRCs: file_version first, then the graph, then summaries', async () => {
    const dir = freshDir();
    const { t0, t1, g, file } = await writeRun(dir);
    expect(readdirSync(dir)).toHaveLength(1);
    expect(file).toMatch(new RegExp(`events\\.out\\.tfevents\\.\\d{10}\\.${hostname().replace(/\./g, '\\.')}$`));
    const records = readRecords(readFileSync(file)).map(fields);
    expect(records).toHaveLength(6);
    for (const ev of records) {
      const wall = f64(one(ev, 1));
      expect(wall).toBeGreaterThanOrEqual(Math.floor(t0));
      expect(wall).toBeLessThanOrEqual(t1 + 1);
    }
    expect(str(one(records[0], 3))).toBe('brain.Event:2');

    // The GraphDef: one NodeDef per operation, with inputs and op types.
    const nodes = all(fields(bytes(one(records[1], 4))), 1).map((f) => fields(bytes(f)));
    expect(nodes.map((nd) => str(one(nd, 1)))).toEqual(g.operations.map((o) => o.name));
    const add = nodes.find((nd) => str(one(nd, 1)) === 'layer/add')!;
    expect(str(one(add, 2))).toBe('add');
    expect(all(add, 3).map(str)).toEqual(['layer/mul', 'layer/Const_1'].map((s) => s)); // mul(x, 2) + Const
    const init = nodes.find((nd) => str(one(nd, 1)) === 'init')!;
    expect(all(init, 3).map(str)).toEqual(['^W/Assign']);
    const attrs = new Map(all(add, 5).map((e) => [str(one(fields(bytes(e)), 1)), fields(bytes(one(fields(bytes(e)), 2)))]));
    expect(int(one(attrs.get('dtype')!, 6))).toBe(1); // DT_FLOAT
    const shape = fields(bytes(one(fields(bytes(one(attrs.get('_output_shapes')!, 1))), 7)));
    expect(all(shape, 2).map((d) => int(one(fields(bytes(d)), 1)))).toEqual([-1, 2, 2, 1]);

    // Summaries: steps and values.
    const sums = records.slice(2);
    expect(sums.map((ev) => (all(ev, 2).length ? int(one(ev, 2)) : 0))).toEqual([0, 10, 20, 2 ** 40]);
    const values = (ev: ReturnType<typeof fields>) =>
      new Map(all(fields(bytes(one(ev, 5))), 1).map((f) => fields(bytes(f))).map((v) => [str(one(v, 1)), v]));
    const s10 = values(sums[1]);
    expect([...s10.keys()]).toEqual(['train/loss', 'weights', 'img/image', 'notes']);
    expect(f32(one(s10.get('train/loss')!, 2))).toBe(0.25);

    const histo = fields(bytes(one(s10.get('weights')!, 5)));
    expect([1, 2, 3, 4, 5].map((k) => f64(one(histo, k)))).toEqual([-1, 2, 4, 2.5, 1 + 1 + 0.25 + 4]);
    const limits = doubles(one(histo, 6));
    const counts = doubles(one(histo, 7));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(4);
    for (const v of [1, -1, 0.5, 2]) {
      const i = limits.findIndex((l) => v < l);
      expect(counts[i]).toBeGreaterThan(0);
      expect(i === 0 || limits[i - 1] <= v).toBe(true);
    }

    const im = fields(bytes(one(s10.get('img/image')!, 4)));
    expect([1, 2, 3].map((k) => int(one(im, k)))).toEqual([2, 2, 1]);
    const png = bytes(one(im, 4));
    expect(Array.from(png.subarray(0, 8))).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
    // y = 2x + 1 = [[21, 3], [1, -1]] has a negative value: TF maps 0 -> 128, max |y| = 21 -> 255.
    const idat = png.subarray(8 + 25 + 8, png.length - 12 - 4);
    const expectPx = [21, 3, 1, -1].map((v) => Math.trunc(v * (127 / 21) + 128));
    expect(Array.from(inflateSync(idat))).toEqual([0, expectPx[0], expectPx[1], 0, expectPx[2], expectPx[3]]);

    const text = s10.get('notes')!;
    const tensor = fields(bytes(one(text, 8)));
    expect(int(one(tensor, 1))).toBe(7); // DT_STRING
    expect(all(fields(bytes(one(tensor, 2))), 2)).toHaveLength(0); // a scalar shape
    expect(all(tensor, 8).map(str)).toEqual(['**hello** nodeflow']);
    const plugin = fields(bytes(one(fields(bytes(one(text, 9))), 1)));
    expect(str(one(plugin, 1))).toBe('text');

    expect(f32(one(values(sums[3]).get('manual')!, 2))).toBe(-3.5);
  });

  it.skipIf(!hasPyProtobuf)('python protobuf (messages built from descriptor_pb2 at run time) decodes the file', async () => {
    const { file } = await writeRun(freshDir());
    const py = String.raw`
import json, struct, sys
from google.protobuf import descriptor_pb2, descriptor_pool, json_format
try:
    from google.protobuf.message_factory import GetMessageClass
except ImportError:
    from google.protobuf import message_factory
    _f = message_factory.MessageFactory()
    GetMessageClass = _f.GetPrototype
F = descriptor_pb2.FieldDescriptorProto
D, FL, I64, I32, S, B, M, BO = F.TYPE_DOUBLE, F.TYPE_FLOAT, F.TYPE_INT64, F.TYPE_INT32, F.TYPE_STRING, F.TYPE_BYTES, F.TYPE_MESSAGE, F.TYPE_BOOL
fdp = descriptor_pb2.FileDescriptorProto(name='tb_test.proto', package='tbt', syntax='proto3')
def msg(name, *fs):
    m = fdp.message_type.add(name=name)
    for fname, num, typ, rep, *tn in fs:
        f = m.field.add(name=fname, number=num, type=typ, label=F.LABEL_REPEATED if rep else F.LABEL_OPTIONAL)
        if tn: f.type_name = '.tbt.' + tn[0]
msg('Dim', ('size', 1, I64, 0))
msg('Shape', ('dim', 2, M, 1, 'Dim'), ('unknown_rank', 3, BO, 0))
msg('TensorProto', ('dtype', 1, I32, 0), ('tensor_shape', 2, M, 0, 'Shape'), ('string_val', 8, B, 1))
msg('PluginData', ('plugin_name', 1, S, 0), ('content', 2, B, 0))
msg('SummaryMetadata', ('plugin_data', 1, M, 0, 'PluginData'))
msg('Image', ('height', 1, I32, 0), ('width', 2, I32, 0), ('colorspace', 3, I32, 0), ('encoded_image_string', 4, B, 0))
msg('Histo', ('min', 1, D, 0), ('max', 2, D, 0), ('num', 3, D, 0), ('sum', 4, D, 0), ('sum_squares', 5, D, 0), ('bucket_limit', 6, D, 1), ('bucket', 7, D, 1))
msg('Value', ('tag', 1, S, 0), ('simple_value', 2, FL, 0), ('image', 4, M, 0, 'Image'), ('histo', 5, M, 0, 'Histo'), ('tensor', 8, M, 0, 'TensorProto'), ('metadata', 9, M, 0, 'SummaryMetadata'))
msg('Summary', ('value', 1, M, 1, 'Value'))
msg('NodeDef', ('name', 1, S, 0), ('op', 2, S, 0), ('input', 3, S, 1), ('device', 4, S, 0))
msg('VersionDef', ('producer', 1, I32, 0))
msg('GraphDef', ('node', 1, M, 1, 'NodeDef'), ('versions', 4, M, 0, 'VersionDef'))
msg('Event', ('wall_time', 1, D, 0), ('step', 2, I64, 0), ('file_version', 3, S, 0), ('graph_def', 4, B, 0), ('summary', 5, M, 0, 'Summary'))
pool = descriptor_pool.DescriptorPool()
pool.Add(fdp)
Event = GetMessageClass(pool.FindMessageTypeByName('tbt.Event'))
GraphDef = GetMessageClass(pool.FindMessageTypeByName('tbt.GraphDef'))
buf, at, out = open(sys.argv[1], 'rb').read(), 0, []
while at < len(buf):
    (n,) = struct.unpack('<Q', buf[at:at + 8])
    ev = Event.FromString(buf[at + 12:at + 12 + n])
    d = json_format.MessageToDict(ev, preserving_proto_field_name=True)
    if ev.graph_def:
        g = GraphDef.FromString(ev.graph_def)
        d['graph_def'] = [[nd.name, nd.op, list(nd.input)] for nd in g.node]
        d['producer'] = g.versions.producer
    if ev.HasField('summary'):
        for v in d['summary']['value']:
            if 'image' in v: v['image']['encoded_image_string'] = len(ev.summary.value[[x.tag for x in ev.summary.value].index(v['tag'])].image.encoded_image_string)
    out.append(d)
    at += 16 + n
print(json.dumps(out))
`;
    const events = JSON.parse(execFileSync('/usr/bin/python3', ['-c', py, file], { encoding: 'utf8' }));
    expect(events).toHaveLength(6);
    expect(events[0].file_version).toBe('brain.Event:2');
    expect(events[1].producer).toBe(27);
    expect(events[1].graph_def).toContainEqual(['layer/add', 'add', ['layer/mul', 'layer/Const_1']]);
    expect(events.slice(2).map((e: { step?: string }) => e.step ?? '0')).toEqual(['0', '10', '20', String(2 ** 40)]);
    const v = events[3].summary.value;
    expect(v[0]).toEqual({ tag: 'train/loss', simple_value: 0.25 });
    expect(v[1].tag).toBe('weights');
    expect(v[1].histo).toMatchObject({ min: -1, max: 2, num: 4, sum: 2.5, sum_squares: 6.25 });
    expect(v[1].histo.bucket.reduce((a: number, b: number) => a + b, 0)).toBe(4);
    expect(v[2]).toMatchObject({ tag: 'img/image', image: { height: 2, width: 2, colorspace: 1 } });
    expect(v[2].image.encoded_image_string).toBeGreaterThan(50);
    expect(v[3].tag).toBe('notes');
    expect(v[3].metadata).toEqual({ plugin_data: { plugin_name: 'text' } });
    expect(Buffer.from(v[3].tensor.string_val[0], 'base64').toString()).toBe('**hello** nodeflow');
    expect(events[5].summary.value).toEqual([{ tag: 'manual', simple_value: -3.5 }]);
  });
});
