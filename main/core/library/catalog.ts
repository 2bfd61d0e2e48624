import type { AssetsChanged, ExportInput, ExportResult } from '../../../shared/domain/assets';
import type { Db } from '../db/connection';
import type { Logger } from '../log';
import type { AssetFiles } from './asset-files';
import type { AssetIndex } from './asset-index';
import { DuplicateFinder } from './duplicates';
import { exportAssets } from './export';
import type { LibraryPaths } from './layout';
import { LibraryMaintenance } from './maintenance';
import { Organiser } from './organise';
import { AssetSearch } from './search';

export interface CatalogDeps {
  db: Db;
  library: LibraryPaths;
  files: AssetFiles;
  assets: AssetIndex;
  log: Logger;
}

/** The library's browsing side (issue 5 part B): search, organisation, duplicates, export, maintenance. */
export class AssetCatalog {
  readonly search: AssetSearch;
  readonly organiser: Organiser;
  readonly duplicates: DuplicateFinder;
  readonly maintenance: LibraryMaintenance;

  constructor(private readonly deps: CatalogDeps) {
    this.search = new AssetSearch(deps.db);
    this.organiser = new Organiser(deps.db, deps.log);
    this.duplicates = new DuplicateFinder(deps.db, this.search);
    this.maintenance = new LibraryMaintenance({ db: deps.db, library: deps.library, files: deps.files, assets: deps.assets, organiser: this.organiser, log: deps.log });
  }

  export(input: ExportInput): Promise<ExportResult> {
    return exportAssets({ search: this.search, locator: this.deps.assets, library: this.deps.library, log: this.deps.log }, input);
  }
}

/** The `assets.changed` payload for these ids (the list is capped; `all` says there were more). */
export const ASSETS_CHANGED_MAX_IDS = 1_000;

export function assetsChanged(ids: readonly number[]): AssetsChanged {
  return { ids: ids.slice(0, ASSETS_CHANGED_MAX_IDS), all: ids.length > ASSETS_CHANGED_MAX_IDS };
}

/** Two pending `assets.changed` events fold into one with the union of their ids (EventHub merger). */
export function mergeAssetsChanged(older: AssetsChanged, newer: AssetsChanged): AssetsChanged {
  const ids = [...new Set([...older.ids, ...newer.ids])];
  return { ids: ids.slice(0, ASSETS_CHANGED_MAX_IDS), all: older.all || newer.all || ids.length > ASSETS_CHANGED_MAX_IDS };
}
