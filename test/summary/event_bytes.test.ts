/**
 * Event files against hand-checked bytes: no decoder of ours is involved (the python3-protobuf
 * check in event_file.test.ts is the second, independent implementation). Each Event below is
 * written out field by field from event.proto / summary.proto (key = field << 3 | wire type),
 * and every TFRecord CRC is a literal, re-derived here with a bit-at-a-time CRC-32C that is
 * itself checked against the standard check value.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { encodeEvent, encodeSummary, FileWriter, tfRecord } from '../../lib/summary/index.js';
import { crc32cBitwise } from './decode.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const WALL = '09' + '000000000000f83f'; // wall_time (1, fixed64): 1.5

/** Event{wall_time: 1.5, file_version: "brain.Event:2"}: 24 bytes. */
const VERSION = WALL + '1a0d' + Buffer.from('brain.Event:2').toString('hex');
/** Event{wall_time: 1.5, step: 10, summary{value{tag: "loss", simple_value: 0.25}}}: 26 bytes. */
const SCALAR = WALL +
  '100a' + //                step (2, varint): 10
  '2a0d' + //                summary (5, bytes): 13 bytes
  '0a0b' + //                  value (1): 11 bytes
  '0a046c6f7373' + //            tag (1): "loss"
  '150000803e'; //               simple_value (2, fixed32): 0.25f = 0x3e800000
/** Event{wall_time: 1.5, step: 2^40, summary{value{tag: "w", histo{…}}}}: 106 bytes. */
const HISTO = WALL +
  '10808080808020' + //      step: 2^40 as a varint (bit 40 = bit 5 of the sixth group)
  '2a58' + '0a56' + //       summary (88 bytes) > value (86 bytes)
  '0a0177' + //                tag: "w"
  '2a51' + //                  histo (5): 81 bytes
  '09000000000000f03f' + //      min (1): 1.0
  '110000000000000040' + //      max (2): 2.0
  '190000000000000040' + //      num (3): 2.0
  '210000000000000840' + //      sum (4): 3.0
  '290000000000001440' + //      sum_squares (5): 5.0
  '3210' + '0000000000000040' + '0000000000000840' + // bucket_limit (6, packed): 2, 3
  '3a10' + '000000000000f03f' + '000000000000f03f'; //  bucket (7, packed): 1, 1

/** TFRecord: length (u64 LE), masked CRC-32C of the length, data, masked CRC-32C of the data. */
const RECORDS: [string, string, string, string][] = [
  [VERSION, '1800000000000000', 'a37f4b22', '2a28646c'],
  [SCALAR, '1a00000000000000', '129bd82d', '02892099'],
  [HISTO, '6a00000000000000', 'af81ed67', '8a7f4916'],
];
const framed = ([data, len, lenCrc, dataCrc]: (typeof RECORDS)[number]) =>
  len + lenCrc + data + dataCrc;

const histo = {
  min: 1, max: 2, num: 2, sum: 3, sumSquares: 5, bucketLimit: [2, 3], bucket: [1, 1],
};

describe('event files: hand-checked bytes', () => {
  afterEach(() => vi.restoreAllMocks());

  it('the CRC literals are right (bitwise CRC-32C, checked on "123456789")', () => {
    expect(crc32cBitwise(new TextEncoder().encode('123456789'))).toBe(0xe3069283);
    const mask = (c: number) => ((((c >>> 15) | (c << 17)) >>> 0) + 0xa282ead8) % 2 ** 32;
    const le32 = (v: number) => {
      const b = Buffer.alloc(4);
      b.writeUInt32LE(v);
      return b.toString('hex');
    };
    for (const [data, len, lenCrc, dataCrc] of RECORDS) {
      expect(Number(Buffer.from(len, 'hex').readBigUInt64LE(0))).toBe(data.length / 2);
      expect(le32(mask(crc32cBitwise(Buffer.from(len, 'hex'))))).toBe(lenCrc);
      expect(le32(mask(crc32cBitwise(Buffer.from(data, 'hex'))))).toBe(dataCrc);
    }
  });

  it('encodeEvent / encodeSummary / tfRecord produce exactly those bytes', () => {
    expect(hex(encodeEvent({ wallTime: 1.5, fileVersion: 'brain.Event:2' }))).toBe(VERSION);
    const scalar = encodeSummary({ value: [{ tag: 'loss', simpleValue: 0.25 }] });
    expect(hex(encodeEvent({ wallTime: 1.5, step: 10, summary: scalar }))).toBe(SCALAR);
    const h = encodeSummary({ value: [{ tag: 'w', histo }] });
    expect(hex(encodeEvent({ wallTime: 1.5, step: 2 ** 40, summary: h }))).toBe(HISTO);
    for (const r of RECORDS) expect(hex(tfRecord(Buffer.from(r[0], 'hex')))).toBe(framed(r));
  });

  it('a FileWriter file is byte for byte the three records', () => {
    vi.spyOn(Date, 'now').mockReturnValue(1500); // wall_time 1.5 s
    const dir = mkdtempSync(join(tmpdir(), 'nf-evbytes-'));
    try {
      const w = new FileWriter(dir);
      w.addSummary({ value: [{ tag: 'loss', simpleValue: 0.25 }] }, 10);
      w.addSummary({ value: [{ tag: 'w', histo }] }, 2 ** 40);
      w.close();
      const [name] = readdirSync(dir);
      expect(name).toMatch(/^events\.out\.tfevents\.1\./);
      expect(readFileSync(join(dir, name)).toString('hex')).toBe(RECORDS.map(framed).join(''));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
