import type { Config } from '../../../shared/domain/config';
import { createImagenClient } from './imagen';
import { createMinimaxClient } from './minimax';
import { createNanoBananaClient } from './nano-banana';
import { createSdxlClient } from './sdxl';
import type { BackendInterface } from './types';

/**
 * The real image backends, each reading its settings from the live config at call time, so a change in
 * Settings (model, base_url, flavor, auth) applies to the next call without rebuilding anything. The
 * offline demo backend is registered next to these by the pipeline.
 */
export function createBackends(config: () => Config): BackendInterface[] {
  return [
    createNanoBananaClient({ settings: () => config().backends.nano_banana }),
    createImagenClient({ settings: () => config().backends.imagen }),
    createMinimaxClient({ settings: () => config().backends.minimax }),
    createSdxlClient({ settings: () => config().backends.sdxl }),
  ];
}
