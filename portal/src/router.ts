import { useEffect, useState } from 'react';

/**
 * Routing on the URL hash (`#/outstanding/<dealerId>?view=all`): the server serves one page,
 * and tokens in emailed links (`#/register?token=...`) never reach a server log.
 */
export interface Route {
  path: string[];
  query: URLSearchParams;
}

export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#\/?/, '');
  const [pathPart = '', queryPart = ''] = raw.split('?', 2);
  return { path: pathPart.split('/').filter(Boolean).map(decodeURIComponent), query: new URLSearchParams(queryPart) };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(window.location.hash));
  useEffect(() => {
    const update = () => setRoute(parseHash(window.location.hash));
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return route;
}

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  const hash = to.startsWith('#') ? to : `#${to}`;
  if (options.replace) window.location.replace(hash);
  else window.location.hash = hash;
  window.scrollTo(0, 0);
}

export const href = (to: string) => `#${to}`;
