import { performance } from 'perf_hooks';

/**
 * For a long loop on a server's main thread: the returned function, awaited at each step, gives
 * the event loop a turn once the loop has held it for `sliceMs`, so requests already received
 * (an edit, a cancel) are handled in between. Between turns it resolves at once.
 */
export function timeSlices(sliceMs: number): () => Promise<void> {
  let sliceStart = performance.now();
  return async () => {
    if (performance.now() - sliceStart < sliceMs) return;
    await new Promise((resolve) => setImmediate(resolve));
    sliceStart = performance.now();
  };
}
