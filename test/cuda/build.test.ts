/**
 * The addon as built: every nodeflow function it calls is defined in it. A declaration in
 * cpp/core/device.h that cuda/ (or cuda/stub.cpp) forgot to implement would otherwise link
 * (a shared library may have undefined symbols) and only fail when first called.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../lib/native.js';

const addon = process.env.NODEFLOW_ADDON ??
  join(packageRoot(), process.env.NODEFLOW_BUILD_DIR ?? 'build', 'Release', 'nodeflow.node');

function hasNm(): boolean {
  try {
    execFileSync('nm', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('native build', () => {
  it.runIf(existsSync(addon) && hasNm())('leaves no nf:: symbol undefined', () => {
    const undef = execFileSync('nm', ['-D', '-C', '--undefined-only', addon], { encoding: 'utf8' });
    const ours = undef.split('\n').filter((l) => /\bnf::/.test(l));
    expect(ours, 'undefined nodeflow symbols').toEqual([]);
  });
});
