/** Control characters never make it into a tag or project name (shared/domain/assets.ts says the same). */
const CONTROL = /\p{Cc}/u;

/** A job's project or tag as a library name: trimmed, inner whitespace collapsed; null when unusable. */
export function libraryName(raw: string, max: number): string | null {
  const name = raw.trim().replace(/\s+/gu, ' ');
  return name.length >= 1 && name.length <= max && !CONTROL.test(name) ? name : null;
}
