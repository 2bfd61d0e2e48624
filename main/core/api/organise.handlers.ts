import type { Handlers } from '../router';
import type { CoreServices } from '../services';
import { assetsChanged } from '../library/catalog';
import type { OrganiseResult } from '../library/organise';

/** Tags listed when the caller names no limit (an autocomplete list, not the whole vocabulary). */
const DEFAULT_TAG_LIST = 500;

/** Ratings, favourites, notes, tags, projects and saved searches (issue 5 part B). */
export function organiseHandlers(services: CoreServices) {
  const { pipeline, events } = services;
  const organiser = pipeline.catalog.organiser;
  /** Returns the value and tells the renderer which assets to refresh. */
  const publish = <T>(result: OrganiseResult<T>): T => {
    if (result.changed.length > 0) events.emit('assets.changed', assetsChanged(result.changed));
    return result.value;
  };
  return {
    'assets.update': (input) => publish(organiser.update(input)),
    'tags.add': (input) => publish(organiser.addTags(input.ids, input.tags)),
    'tags.remove': (input) => publish(organiser.removeTags(input.ids, input.tags)),
    'tags.list': (input) => organiser.listTags(input?.prefix, input?.limit ?? DEFAULT_TAG_LIST),
    'tags.rename': (input) => publish(organiser.renameTag(input.from, input.to)),
    'tags.merge': (input) => publish(organiser.mergeTags(input.from, input.into)),
    'projects.list': () => ({ items: organiser.listProjects() }),
    'projects.create': (input) => organiser.createProject(input.name),
    'projects.rename': (input) => publish(organiser.renameProject(input.id, input.name)),
    'projects.delete': (input) => publish(organiser.deleteProject(input.id)),
    'projects.addAssets': (input) => publish(organiser.addToProject(input.id, input.ids)),
    'projects.removeAssets': (input) => publish(organiser.removeFromProject(input.id, input.ids)),
    'collections.list': () => ({ items: organiser.listCollections() }),
    'collections.save': (input) => organiser.saveCollection(input),
    'collections.delete': (input) => organiser.deleteCollection(input.id),
  } satisfies Pick<
    Handlers,
    | 'assets.update'
    | 'tags.add'
    | 'tags.remove'
    | 'tags.list'
    | 'tags.rename'
    | 'tags.merge'
    | 'projects.list'
    | 'projects.create'
    | 'projects.rename'
    | 'projects.delete'
    | 'projects.addAssets'
    | 'projects.removeAssets'
    | 'collections.list'
    | 'collections.save'
    | 'collections.delete'
  >;
}
