/**
 * Aspect ratios as providers name them ("16:9"). Our jobs carry exact pixels (or a ratio the artist
 * typed); providers that only accept a fixed list get the nearest one, compared on a log scale so that
 * 2:1 is as far from 1:1 as 1:2 is.
 */

export function ratioValue(ratio: string): number | null {
  const match = /^(\d{1,2}):(\d{1,2})$/.exec(ratio);
  if (!match) return null;
  const w = Number(match[1]);
  const h = Number(match[2]);
  return w > 0 && h > 0 ? w / h : null;
}

/** The allowed ratio closest to width:height. `allowed` must not be empty. */
export function nearestAspectRatio(width: number, height: number, allowed: readonly string[]): string {
  const target = Math.log(width / height);
  let best = allowed[0]!;
  let bestDistance = Infinity;
  for (const candidate of allowed) {
    const value = ratioValue(candidate);
    if (value === null) continue;
    const distance = Math.abs(Math.log(value) - target);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}
