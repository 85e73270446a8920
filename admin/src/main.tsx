import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { knownSession, PUBLIC_PATHS } from './authProvider';

/**
 * A signed-out visitor is on the sign-in form before react-admin starts. Left to react-admin,
 * its logout-on-mount and the quick "nobody is signed in" answer can chase each other round
 * after round before its redirect lands (react-admin issue 10764: seconds of a blank page on a
 * busy machine). The session is asked once here and the answer kept for react-admin; the page
 * asked for is kept as the place to go after signing in.
 */
async function start(): Promise<void> {
  const asked = window.location.hash.replace(/^#/, '') || '/';
  const open = asked.startsWith('/login') || PUBLIC_PATHS.some((path) => asked.startsWith(path));
  if (!open && !(await knownSession().catch(() => undefined))) {
    const [nextPathname, query] = asked.split('?');
    // react-router keeps a location's state under `usr`; react-admin's sign-in reads nextPathname from it.
    window.history.replaceState({ usr: { nextPathname, nextSearch: query ? `?${query}` : '' }, key: 'default', idx: 0 }, '', '#/login');
  }
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}

void start();
