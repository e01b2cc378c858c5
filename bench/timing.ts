/** Best-of-N wall time of `fn` in ms, after one warm-up call (packing buffers, thread pools,
 * page faults). The minimum is the figure least disturbed by other work on a shared machine. */
export function bestMs(fn: () => void, reps: number): number {
  fn();
  let best = Infinity;
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    fn();
    best = Math.min(best, performance.now() - t);
  }
  return best;
}
