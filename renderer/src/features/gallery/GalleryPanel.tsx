import { memo, useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import type { Project, SavedSearch } from '../../../../shared/domain/assets';
import type { ApexClient } from '../../../../shared/client';
import { useApi } from '../../api/api-context';
import { Button } from '../../components/Button';
import { EmptyState } from '../../components/EmptyState';
import { ErrorNotice } from '../../components/ErrorNotice';
import { GalleryIcon } from '../../components/icons';
import { PanelHeader } from '../../components/PanelHeader';
import { toErrorInfo } from '../../lib/error-info';
import { AssetDetail } from '../asset-detail/AssetDetail';
import type { PanelProps } from '../panel-props';
import { AssetGrid } from './AssetGrid';
import { AssetPager } from './asset-pager';
import { BulkBar } from './BulkBar';
import { DuplicatesView } from './DuplicatesView';
import { EMPTY_QUERY, isUnfiltered, queryKey, toFilter, type GalleryQuery } from './gallery-query';
import { GallerySidebar, type GalleryView } from './GallerySidebar';
import { GalleryToolbar } from './GalleryToolbar';
import { ImportView } from './ImportView';
import { DeleteCollectionDialog, EditProjectDialog, NewProjectDialog, SaveSearchDialog } from './OrganiseDialogs';
import { EMPTY_SELECTION, without, type Selection } from './selection';
import { useOrganiseLists } from './use-organise-lists';
import './gallery.css';

const Sidebar = memo(GallerySidebar);
const Toolbar = memo(GalleryToolbar);

/** Live events come in bursts: one refresh per burst. */
const LIVE_DEBOUNCE_MS = 300;
/** Largest seed of a shuffle (the contract's bound). */
const SEED_RANGE = 2_147_483_647;

function makePager(client: ApexClient, query: GalleryQuery, seed: number): AssetPager {
  const filter = toFilter(query);
  return new AssetPager((request) =>
    client.call('assets.search', {
      filter,
      sort: query.sort,
      ...(query.sort === 'random' ? { seed } : {}),
      cursor: request.cursor,
      limit: request.limit,
      count: request.count,
    }),
  );
}

function isEditable(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || target.matches('input, textarea, select'));
}

interface Detail {
  id: number;
  /** The order previous/next walks: the result as loaded when the view opened (or one duplicate group). */
  ids: number[];
}

/**
 * The library: sidebar (views, projects, saved searches, tags, tools), toolbar (search, filters, sort),
 * bulk actions over a multi-selection, and the virtualized grid; duplicates and folder import replace the
 * grid when chosen. One pager per query: a new search starts a new result from its first page.
 */
export function GalleryPanel({ onNavigate }: PanelProps) {
  const client = useApi();
  const lists = useOrganiseLists();
  const [view, setView] = useState<GalleryView>('grid');
  const [query, setQuery] = useState<GalleryQuery>(EMPTY_QUERY);
  const [seed] = useState(() => Math.floor(Math.random() * SEED_RANGE));
  const [selection, setSelection] = useState<Selection>(EMPTY_SELECTION);
  const [detail, setDetail] = useState<Detail | null>(null);
  const [deleteOpen, setDeleteOpen] = useState(false);
  const [newProject, setNewProject] = useState(false);
  const [editing, setEditing] = useState<Project | null>(null);
  const [savingSearch, setSavingSearch] = useState(false);
  const [deletingCollection, setDeletingCollection] = useState<SavedSearch | null>(null);
  const searchRef = useRef<HTMLInputElement>(null);

  // A new query is a new result: new pager, empty selection (derived during render, not in an effect).
  // `round` makes choosing a view again (or coming back from import) a fresh result too.
  const [round, setRound] = useState(0);
  const key = `${round}:${queryKey(query)}`;
  const [current, setCurrent] = useState(() => ({ key, pager: makePager(client, query, seed) }));
  let pager = current.pager;
  if (current.key !== key) {
    pager = makePager(client, query, seed);
    setCurrent({ key, pager });
    setSelection(EMPTY_SELECTION);
  }
  useEffect(() => () => pager.dispose(), [pager]);
  const snapshot = useSyncExternalStore(pager.subscribe, pager.getSnapshot);

  // "/" puts the caret in the search box from anywhere in the panel (not while typing elsewhere).
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== '/' || event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented || isEditable(event.target)) return;
      if (document.querySelector('dialog[open]')) return;
      event.preventDefault();
      setView('grid');
      requestAnimationFrame(() => searchRef.current?.focus());
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);

  const show = useCallback((next: GalleryQuery) => {
    setQuery(next);
    setRound((value) => value + 1);
    setView('grid');
  }, []);
  const onNewProject = useCallback(() => setNewProject(true), []);
  const onSaveSearch = useCallback(() => setSavingSearch(true), []);
  const openDetail = useCallback((id: number) => setDetail({ id, ids: pager.getSnapshot().items.map((item) => item.id) }), [pager]);
  const openDeleteRequest = useCallback(() => setDeleteOpen(true), []);

  const selectedIds = useMemo(() => [...selection.ids], [selection.ids]);
  const allFavourite = useMemo(() => {
    let known = 0;
    for (const id of selectedIds) {
      const index = pager.indexOf(id);
      const item = index >= 0 ? snapshot.items[index] : undefined;
      if (!item) continue;
      if (!item.favorite) return false;
      known++;
    }
    return known > 0;
  }, [selectedIds, snapshot.items, pager]);

  const total = snapshot.loaded ? Math.max(snapshot.total ?? 0, snapshot.items.length) : null;
  const unfiltered = isUnfiltered(query);

  // With nothing to show the grid is not mounted, and the grid is what follows live events: the first
  // images of an empty result (a job finishing, an import) must still appear.
  const showingNothing = view === 'grid' && total === 0;
  useEffect(() => {
    if (!showingNothing) return;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const schedule = () => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => void pager.reload(0), LIVE_DEBOUNCE_MS);
    };
    const stops = [client.on('assets.added', schedule), client.on('assets.changed', schedule)];
    return () => {
      if (timer) clearTimeout(timer);
      stops.forEach((stop) => stop());
    };
  }, [client, pager, showingNothing]);

  let content;
  if (view === 'duplicates') {
    content = <DuplicatesView onOpen={(id, ids) => setDetail({ id, ids })} />;
  } else if (view === 'import') {
    content = <ImportView onShowImages={() => show({ ...EMPTY_QUERY, sort: 'newest' })} />;
  } else {
    let body;
    if (snapshot.error !== null && snapshot.items.length === 0) {
      body = (
        <div className="gallery-message">
          <ErrorNotice title="Could not search the library" error={toErrorInfo(snapshot.error)} onRetry={() => void pager.retry()} />
        </div>
      );
    } else if (total === 0 && unfiltered) {
      body = (
        <EmptyState
          icon={<GalleryIcon size={34} />}
          title="Your library is empty"
          actions={
            <>
              <Button variant="primary" onClick={() => onNavigate('queue')}>
                Go to the queue
              </Button>
              <Button onClick={() => setView('import')}>Import a folder</Button>
            </>
          }
        >
          <p>Generate from the Queue or import a folder. Every image is filed here with the prompt, seed, backend and cost that made it.</p>
        </EmptyState>
      );
    } else if (total === 0) {
      body = (
        <EmptyState icon={<GalleryIcon size={34} />} title="No images match" actions={<Button onClick={() => show({ ...EMPTY_QUERY, sort: query.sort })}>Clear filters</Button>}>
          <p>Try fewer words or filters. Words match prompts, tags, projects, models and file names; “pref*” matches the start of a word.</p>
        </EmptyState>
      );
    } else {
      body = (
        <>
          {snapshot.error !== null ? <ErrorNotice title="Could not load more images" error={toErrorInfo(snapshot.error)} onRetry={() => void pager.retry()} /> : null}
          <AssetGrid
            pager={pager}
            selection={selection}
            onSelectionChange={setSelection}
            onOpen={openDetail}
            onDeleteRequest={openDeleteRequest}
            label={unfiltered ? 'All images' : 'Matching images'}
          />
        </>
      );
    }
    content = (
      <>
        <Toolbar query={query} onChange={show} projects={lists.projects} tags={lists.tags} onSaveSearch={onSaveSearch} searchRef={searchRef} />
        <BulkBar
          selected={selectedIds}
          total={total}
          truncated={selection.truncated}
          allFavourite={allFavourite}
          projects={lists.projects}
          tags={lists.tags}
          deleteOpen={deleteOpen}
          onDeleteOpenChange={setDeleteOpen}
          onClear={() => setSelection((sel) => ({ ...sel, ids: new Set(), anchor: null, truncated: false }))}
          onDone={({ removed }) => {
            if (removed) setSelection((sel) => without(sel, removed));
            lists.refresh();
          }}
        />
        {body}
      </>
    );
  }

  return (
    <>
      <PanelHeader
        title="Gallery"
        subtitle="Your library: every image with the full recipe that made it, searchable offline."
        actions={<Button onClick={() => setView('import')}>Import folder</Button>}
      />
      <div className="gallery-layout">
        <Sidebar
          view={view}
          query={query}
          projects={lists.projects}
          collections={lists.collections}
          tags={lists.tags}
          error={lists.error}
          onRetry={lists.refresh}
          onShow={show}
          onView={setView}
          onNewProject={onNewProject}
          onEditProject={setEditing}
          onDeleteCollection={setDeletingCollection}
        />
        <div className="gallery-main">{content}</div>
      </div>

      {detail ? (
        <AssetDetail
          assetId={detail.id}
          ids={detail.ids}
          onClose={() => {
            const shown = detail.id;
            setDetail(null);
            // Back to the grid on the image last shown (the viewer may have stepped away from the one opened);
            // its row is always rendered, being the focused one.
            requestAnimationFrame(() => document.querySelector<HTMLElement>(`[role="grid"] [data-asset-id="${shown}"]`)?.focus());
          }}
          onNavigate={onNavigate}
          onMove={(id: number) => {
            setDetail((old) => (old ? { ...old, id } : old));
            const index = pager.indexOf(id);
            if (index >= 0) setSelection((sel) => ({ ...sel, focus: index }));
          }}
        />
      ) : null}
      <NewProjectDialog
        open={newProject}
        onClose={() => setNewProject(false)}
        onDone={(project) => {
          setNewProject(false);
          lists.refresh();
          show({ ...EMPTY_QUERY, sort: query.sort, project: project.name });
        }}
      />
      <EditProjectDialog
        key={editing?.id ?? 'none'}
        project={editing}
        onClose={() => setEditing(null)}
        onDone={() => {
          if (editing && query.project === editing.name) show({ ...query, project: null });
          setEditing(null);
          lists.refresh();
        }}
      />
      <SaveSearchDialog
        query={query}
        open={savingSearch}
        onClose={() => setSavingSearch(false)}
        onDone={() => {
          setSavingSearch(false);
          lists.refresh();
        }}
      />
      <DeleteCollectionDialog
        collection={deletingCollection}
        onClose={() => setDeletingCollection(null)}
        onDone={() => {
          setDeletingCollection(null);
          lists.refresh();
        }}
      />
    </>
  );
}
