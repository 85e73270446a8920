import type { AuthProvider } from 'react-admin';
import { apiFetch, errorMessage } from './httpClient';
import { API_URL, currentSession, sessionKnown, setSession, type OperatorSession } from './session';

/** Pages reachable without signing in (an invited operator choosing a password). */
export const PUBLIC_PATHS = ['/set-password'];

async function fetchSession(): Promise<OperatorSession | null> {
  const response = await apiFetch(`${API_URL}/auth/session`);
  if (response.status === 401) return null;
  if (!response.ok) throw new Error(await errorMessage(response));
  return (await response.json()) as OperatorSession;
}

let asking: Promise<OperatorSession | null> | null = null;

/**
 * Who is signed in, asking the API at most once per page load: react-admin calls checkAuth,
 * getIdentity and getPermissions from several places at start, and each used to ask again
 * (about twenty requests on the sign-in page). Concurrent callers share the one request, and
 * a "nobody" answer is remembered until a sign-in or a 401 changes it.
 */
export async function knownSession(): Promise<OperatorSession | null> {
  if (sessionKnown()) return currentSession();
  asking ??= fetchSession()
    .then((session) => {
      setSession(session);
      return session;
    })
    .finally(() => {
      asking = null;
    });
  return asking;
}

/**
 * Email and password against the API; the API decides, this never accepts a login on its
 * own. The session lives in an httpOnly cookie; what the page keeps is the CSRF token and
 * who is signed in.
 */
export const authProvider: AuthProvider = {
  async login({ username, email, password }: { username?: string; email?: string; password: string }) {
    const response = await apiFetch(`${API_URL}/auth/sign-in`, { method: 'POST', body: JSON.stringify({ email: (email ?? username ?? '').trim(), password }) });
    if (!response.ok) throw new Error(await errorMessage(response));
    setSession((await response.json()) as OperatorSession);
  },

  async logout() {
    if (currentSession()) await apiFetch(`${API_URL}/auth/sign-out`, { method: 'POST' }).catch(() => undefined);
    setSession(null);
  },

  async checkAuth() {
    if (PUBLIC_PATHS.some((path) => window.location.hash.startsWith(`#${path}`))) return;
    // Not signed in yet is not an error worth a red toast: go to the sign-in page quietly.
    if (!(await knownSession())) throw { message: false };
  },

  async checkError(error: { status?: number }) {
    // 401: the session ended (expired, signed out elsewhere, account disabled). A 403 is a
    // refusal of one action (role, CSRF) and must not sign the operator out.
    if (error?.status === 401) {
      setSession(null);
      throw new Error('Your session ended. Sign in again.');
    }
  },

  async getIdentity() {
    const session = await knownSession();
    if (!session) throw new Error('Not signed in');
    return { id: session.user.id, fullName: session.user.name, email: session.user.email, role: session.user.role, dealer: session.dealer };
  },

  async getPermissions() {
    const session = await knownSession();
    // Signed out, an answer within the same task lets react-admin's logout reset the
    // permissions before its redirect lands, which mounts the logout again: a loop of history
    // calls until Chromium throttles them, seconds of a blank page (react-admin issue 10764).
    // One macrotask lets the redirect to the sign-in form land first.
    if (!session) await new Promise((resolve) => setTimeout(resolve, 0));
    return session?.user.role ?? null;
  },
};
