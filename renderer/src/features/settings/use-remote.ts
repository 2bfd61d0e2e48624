import { useCallback, useEffect, useState } from 'react';
import { toErrorInfo, type ErrorInfo } from '../../lib/error-info';

/**
 * One value read from the core when the component mounts, with a `reload` for after a change. `fetcher`
 * must be stable (useCallback): a new one reads again.
 */
export function useRemote<T>(fetcher: () => Promise<T>): { value: T | null; error: ErrorInfo | null; reload(): Promise<void> } {
  const [state, setState] = useState<{ value: T | null; error: ErrorInfo | null }>({ value: null, error: null });

  const reload = useCallback(async () => {
    try {
      const value = await fetcher();
      setState({ value, error: null });
    } catch (caught) {
      setState((previous) => ({ ...previous, error: toErrorInfo(caught) }));
    }
  }, [fetcher]);

  useEffect(() => {
    let live = true;
    fetcher().then(
      (value) => {
        if (live) setState({ value, error: null });
      },
      (caught: unknown) => {
        if (live) setState((previous) => ({ ...previous, error: toErrorInfo(caught) }));
      },
    );
    return () => {
      live = false;
    };
  }, [fetcher]);

  return { ...state, reload };
}
