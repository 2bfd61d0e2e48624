import type { Handlers } from '../router';
import type { CoreServices } from '../services';

/** Import of existing images (issue 5 part A): see library/import-service.ts. */
export function importHandlers(services: CoreServices) {
  const { pipeline } = services;
  return {
    'library.import': (input) => pipeline.importer.run({ paths: input.paths, copy: input.copy ?? false }),
  } satisfies Pick<Handlers, 'library.import'>;
}
