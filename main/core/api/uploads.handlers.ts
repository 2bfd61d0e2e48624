import { importUploadedImages } from '../library/upload-staging';
import type { Handlers } from '../router';
import type { CoreServices } from '../services';

/** Images dropped on a browser-mode page: their bytes, copied into the library (library/upload-staging.ts). */
export function uploadsHandlers(services: CoreServices) {
  return {
    'library.importUpload': (input) => importUploadedImages({ library: services.library, importer: services.pipeline.importer }, input.files),
  } satisfies Pick<Handlers, 'library.importUpload'>;
}
