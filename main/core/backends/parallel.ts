/**
 * Runs `count` single-image calls at once for providers without an image count (Gemini). Every call that
 * answered was billed, so the images that arrived are kept even when a sibling call failed; only when
 * none arrived does the job fail, with the first call's error (in call order, so the class is stable).
 */
export async function settleParallel<T>(count: number, one: (index: number) => Promise<T>): Promise<T[]> {
  const settled = await Promise.allSettled(Array.from({ length: count }, (_, index) => one(index)));
  const values = settled.filter((s): s is PromiseFulfilledResult<Awaited<T>> => s.status === 'fulfilled').map((s) => s.value);
  if (values.length > 0) return values;
  const first = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  throw first?.reason ?? new Error('no call was made');
}
