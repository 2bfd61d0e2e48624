import type { Handlers } from '../router';
import type { CoreServices } from '../services';
import { assetsChanged } from '../library/catalog';

/** Search, details, duplicates, export, statistics and maintenance of the asset library (issue 5 part B). */
export function assetsHandlers(services: CoreServices) {
  const { pipeline, events } = services;
  const catalog = pipeline.catalog;
  return {
    'assets.search': (input) => catalog.search.search(input ?? {}),
    'assets.get': (input) => catalog.search.get(input.id),
    'assets.duplicates': (input) => catalog.duplicates.find(input),
    'assets.export': (input) => catalog.export(input),
    'assets.delete': async (input) => {
      const result = await catalog.maintenance.deleteAssets(input.ids);
      if (result.deleted_ids.length > 0) events.emit('assets.changed', assetsChanged(result.deleted_ids));
      return { deleted: result.deleted, files_removed: result.files_removed };
    },
    'assets.stats': () => catalog.maintenance.stats(),
    'library.cleanup': (input) => catalog.maintenance.cleanup(input?.dry_run ?? false),
    'library.thumbnails': async (input) => {
      const result = await catalog.maintenance.thumbnails(input?.mode ?? 'missing');
      if (result.generated > 0) events.emit('assets.changed', { ids: [], all: true });
      return result;
    },
    'library.rebuild': async () => {
      const result = await catalog.maintenance.rebuild();
      pipeline.jobs.audit.record('library.repaired', Date.now(), {}, { operation: 'rebuild', ...result, problems: result.problems.length });
      events.emit('assets.changed', { ids: [], all: true });
      return result;
    },
  } satisfies Pick<
    Handlers,
    'assets.search' | 'assets.get' | 'assets.duplicates' | 'assets.export' | 'assets.delete' | 'assets.stats' | 'library.cleanup' | 'library.thumbnails' | 'library.rebuild'
  >;
}
