// Helpers every benchmark shares: a clock, medians, repeated timing and a closed-loop load driver.
export const now = () => performance.now();

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Median of `n` timed calls of `fn(i)`, in ms. */
export async function timeIt(n, fn) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const t = now();
    await fn(i);
    out.push(now() - t);
  }
  return median(out);
}

/** `clients` concurrent loops of `fn(client)` for `seconds`; completed calls per second. */
export async function loadFor(clients, fn, seconds) {
  const end = now() + seconds * 1000;
  let done = 0;
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      while (now() < end) {
        await fn(c);
        done++;
      }
    }),
  );
  return done / seconds;
}
