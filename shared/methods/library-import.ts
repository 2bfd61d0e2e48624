import { ImportInput, ImportSummary } from '../domain/import';
import { method } from './method';

/**
 * Import of existing images (issue 5 part A): folders walked recursively and image files, indexed in
 * place or copied into the library, with the generation metadata their tools embedded. Progress comes
 * as `import.progress` events while the call runs.
 */
export const libraryImportMethods = {
  'library.import': method(ImportInput, ImportSummary),
} as const;
