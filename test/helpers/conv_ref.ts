/** Direct-loop float64 references for conv2d (NHWC input, HWIO filter), shared by the op tests. */

export type Geom = { stride: [number, number]; dil: [number, number]; same: boolean };

export function outSize(inp: number, k: number, s: number, d: number, same: boolean): [number, number] {
  const eff = (k - 1) * d + 1;
  if (same) {
    const out = Math.ceil(inp / s);
    return [out, Math.floor(Math.max((out - 1) * s + eff - inp, 0) / 2)];
  }
  return [Math.floor((inp - eff) / s) + 1, 0];
}

/** Direct convolution: x [N,H,W,C], f [KH,KW,C,O]. */
export function convRef(x: Float64Array, xs: number[], f: Float64Array, fs: number[], g: Geom): number[] {
  const [n, h, w, c] = xs;
  const [kh, kw, , o] = fs;
  const [oh, pt] = outSize(h, kh, g.stride[0], g.dil[0], g.same);
  const [ow, pl] = outSize(w, kw, g.stride[1], g.dil[1], g.same);
  const y: number[] = [];
  for (let b = 0; b < n; b++)
    for (let i = 0; i < oh; i++)
      for (let j = 0; j < ow; j++)
        for (let q = 0; q < o; q++) {
          let s = 0;
          for (let a = 0; a < kh; a++)
            for (let e = 0; e < kw; e++) {
              const ih = i * g.stride[0] - pt + a * g.dil[0];
              const iw = j * g.stride[1] - pl + e * g.dil[1];
              if (ih < 0 || ih >= h || iw < 0 || iw >= w) continue;
              for (let cc = 0; cc < c; cc++) s += x[((b * h + ih) * w + iw) * c + cc] * f[((a * kw + e) * c + cc) * o + q];
            }
          y.push(s);
        }
  return y;
}
