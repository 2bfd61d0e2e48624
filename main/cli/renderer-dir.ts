import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the built renderer is, whether the CLI runs from source (tsx) or from the bundle in `out/main`. */
export function findRendererDir(): string | null {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [resolve(here, '../../out/renderer'), resolve(here, '../renderer')];
  return candidates.find((dir) => existsSync(join(dir, 'index.html'))) ?? null;
}
