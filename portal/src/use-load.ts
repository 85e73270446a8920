import { useCallback, useEffect, useState } from 'react';
import { messageOf } from './api';

/**
 * Loads data for a page. Data loaded for another `key` (another supplier, another view) is
 * never returned, so one view's items never appear under another's heading; `reload` keeps
 * showing the current data while it refreshes. A stale answer never overwrites a newer one.
 */
export function useLoad<T>(load: () => Promise<T>, key: string): { data: T | undefined; error: string | null; loading: boolean; reload: () => void } {
  const [state, setState] = useState<{ key: string; data: T | undefined; error: string | null; loading: boolean }>({ key, data: undefined, error: null, loading: true });
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    let current = true;
    setState((previous) => ({ ...previous, loading: true, error: null }));
    load().then(
      (data) => current && setState({ key, data, error: null, loading: false }),
      (error) => current && setState({ key, data: undefined, error: messageOf(error), loading: false }),
    );
    return () => {
      current = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, generation]);
  const reload = useCallback(() => setGeneration((value) => value + 1), []);
  const fresh = state.key === key;
  return { data: fresh ? state.data : undefined, error: fresh ? state.error : null, loading: !fresh || state.loading, reload };
}
