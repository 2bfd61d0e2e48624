import type { ReactNode } from 'react';
import type { Project, SavedSearch, TagInfo } from '../../../../shared/domain/assets';
import { ErrorNotice } from '../../components/ErrorNotice';
import type { ErrorInfo } from '../../lib/error-info';
import { EMPTY_QUERY, queryKey, fromRule, type GalleryQuery } from './gallery-query';

export type GalleryView = 'grid' | 'duplicates' | 'import';

/** Tags listed in the sidebar; the Tag filter in the toolbar offers more. */
const SIDEBAR_TAGS = 30;

export interface GallerySidebarProps {
  view: GalleryView;
  query: GalleryQuery;
  projects: readonly Project[];
  collections: readonly SavedSearch[];
  tags: readonly TagInfo[];
  error: ErrorInfo | null;
  onRetry(): void;
  onShow(query: GalleryQuery): void;
  onView(view: GalleryView): void;
  onNewProject(): void;
  onEditProject(project: Project): void;
  onDeleteCollection(collection: SavedSearch): void;
}

function Item({ current, onClick, children, count }: { current: boolean; onClick(): void; children: ReactNode; count?: number }) {
  return (
    <li>
      <button type="button" className={current ? 'gallery-nav-item is-current' : 'gallery-nav-item'} aria-current={current ? 'true' : undefined} onClick={onClick}>
        <span className="gallery-nav-label">{children}</span>
        {count === undefined ? null : <span className="gallery-nav-count">{count.toLocaleString('en-US')}</span>}
      </button>
    </li>
  );
}

/** Library views, projects, saved searches, tags and tools, as one navigation list. */
export function GallerySidebar(props: GallerySidebarProps) {
  const { view, query, projects, collections, tags, error } = props;
  const inGrid = view === 'grid';
  const key = queryKey(query);
  const only = (patch: Partial<GalleryQuery>) => ({ ...EMPTY_QUERY, sort: query.sort, ...patch });
  const is = (patch: Partial<GalleryQuery>) => inGrid && key === queryKey(only(patch));

  return (
    <nav className="gallery-sidebar" aria-label="Library">
      <h2 className="gallery-nav-heading">Library</h2>
      <ul className="gallery-nav-list">
        <Item current={is({})} onClick={() => props.onShow(only({}))}>
          All images
        </Item>
        <Item current={is({ favorite: true })} onClick={() => props.onShow(only({ favorite: true }))}>
          Favourites
        </Item>
        <Item current={is({ extra: { untagged: true } })} onClick={() => props.onShow(only({ extra: { untagged: true } }))}>
          Untagged
        </Item>
        <Item current={is({ extra: { unfiled: true } })} onClick={() => props.onShow(only({ extra: { unfiled: true } }))}>
          In no project
        </Item>
      </ul>

      <div className="gallery-nav-heading-row">
        <h2 className="gallery-nav-heading">Projects</h2>
        <button type="button" className="gallery-nav-add" aria-label="New project" title="New project" onClick={props.onNewProject}>
          +
        </button>
      </div>
      {projects.length === 0 ? (
        <p className="gallery-nav-empty">No projects yet. Select images and choose “Add to project”, or press +.</p>
      ) : (
        <ul className="gallery-nav-list">
          {projects.map((project) => (
            <li key={project.id} className="gallery-nav-with-action">
              <button
                type="button"
                className={is({ project: project.name }) ? 'gallery-nav-item is-current' : 'gallery-nav-item'}
                aria-current={is({ project: project.name }) ? 'true' : undefined}
                onClick={() => props.onShow(only({ project: project.name }))}
              >
                <span className="gallery-nav-label">{project.name}</span>
                <span className="gallery-nav-count">{project.count.toLocaleString('en-US')}</span>
              </button>
              <button type="button" className="gallery-nav-action" aria-label={`Edit project ${project.name}`} title="Rename or delete" onClick={() => props.onEditProject(project)}>
                …
              </button>
            </li>
          ))}
        </ul>
      )}

      <h2 className="gallery-nav-heading">Saved searches</h2>
      {collections.length === 0 ? (
        <p className="gallery-nav-empty">Search or filter, then “Save search” keeps it here.</p>
      ) : (
        <ul className="gallery-nav-list">
          {collections.map((collection) => {
            const saved = fromRule(collection.rule);
            const current = inGrid && queryKey(saved) === key;
            return (
              <li key={collection.id} className="gallery-nav-with-action">
                <button type="button" className={current ? 'gallery-nav-item is-current' : 'gallery-nav-item'} aria-current={current ? 'true' : undefined} onClick={() => props.onShow(saved)}>
                  <span className="gallery-nav-label">{collection.name}</span>
                </button>
                <button type="button" className="gallery-nav-action" aria-label={`Delete saved search ${collection.name}`} title="Delete" onClick={() => props.onDeleteCollection(collection)}>
                  ×
                </button>
              </li>
            );
          })}
        </ul>
      )}

      <h2 className="gallery-nav-heading">Tags</h2>
      {tags.length === 0 ? (
        <p className="gallery-nav-empty">Select images and choose “Tag” to label them.</p>
      ) : (
        <ul className="gallery-nav-list">
          {tags.slice(0, SIDEBAR_TAGS).map((tag) => (
            <Item key={tag.id} current={is({ tag: tag.name })} onClick={() => props.onShow(only({ tag: tag.name }))} count={tag.count}>
              {tag.name}
            </Item>
          ))}
        </ul>
      )}

      <h2 className="gallery-nav-heading">Tools</h2>
      <ul className="gallery-nav-list">
        <Item current={view === 'duplicates'} onClick={() => props.onView('duplicates')}>
          Duplicates
        </Item>
        <Item current={view === 'import'} onClick={() => props.onView('import')}>
          Import folder
        </Item>
      </ul>
      {error ? <ErrorNotice title="Could not load projects, saved searches and tags" error={error} onRetry={props.onRetry} /> : null}
    </nav>
  );
}
