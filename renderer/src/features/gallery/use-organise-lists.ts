import { useCallback, useEffect, useState } from 'react';
import type { Project, SavedSearch, TagInfo } from '../../../../shared/domain/assets';
import { useApi } from '../../api/api-context';
import { toErrorInfo, type ErrorInfo } from '../../lib/error-info';

/** Tags offered in the sidebar and the filter: the most used ones (the search box reaches the rest with `tag:`). */
export const TAGS_SHOWN = 200;
const REFRESH_DEBOUNCE_MS = 400;

export interface OrganiseLists {
  projects: readonly Project[];
  collections: readonly SavedSearch[];
  tags: readonly TagInfo[];
  tagTotal: number;
  error: ErrorInfo | null;
  refresh(): void;
}

/** Projects (with counts), saved searches and tags, kept fresh as the library changes. */
export function useOrganiseLists(): OrganiseLists {
  const client = useApi();
  const [state, setState] = useState<Omit<OrganiseLists, 'refresh'>>({ projects: [], collections: [], tags: [], tagTotal: 0, error: null });

  const refresh = useCallback(() => {
    Promise.all([client.call('projects.list'), client.call('collections.list'), client.call('tags.list', { limit: TAGS_SHOWN })])
      .then(([projects, collections, tags]) => setState({ projects: projects.items, collections: collections.items, tags: tags.items, tagTotal: tags.total, error: null }))
      .catch((error: unknown) => setState((old) => ({ ...old, error: toErrorInfo(error) })));
  }, [client]);

  useEffect(() => {
    refresh();
    let timer: ReturnType<typeof setTimeout> | null = null;
    const schedule = () => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(refresh, REFRESH_DEBOUNCE_MS);
    };
    const stops = [client.on('assets.changed', schedule), client.on('assets.added', schedule)];
    return () => {
      if (timer) clearTimeout(timer);
      stops.forEach((stop) => stop());
    };
  }, [client, refresh]);

  return { ...state, refresh };
}
