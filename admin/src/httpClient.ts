import { fetchUtils, HttpError } from 'react-admin';
import { currentSession } from './session';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Every API call: the session cookie travels (`credentials: 'include'`, which also covers a
 * dev server on another origin), and mutations carry the CSRF token. API refusals arrive as
 * `{ error: { code, message } }`; react-admin shows `message` to the operator.
 */
export function httpClient(url: string, options: fetchUtils.Options = {}) {
  const headers = new Headers(options.headers ?? { Accept: 'application/json' });
  const method = (options.method ?? 'GET').toUpperCase();
  const csrf = currentSession()?.csrfToken;
  if (!SAFE_METHODS.has(method) && csrf) headers.set('X-CSRF-Token', csrf);
  return fetchUtils.fetchJson(url, { ...options, headers, credentials: 'include' }).catch((error: { body?: { error?: { message?: string; code?: string } }; message: string; status?: number }) => {
    const apiError = error.body?.error;
    if (apiError?.message) {
      throw new HttpError(apiError.message, error.status ?? 500, error.body);
    }
    throw error;
  });
}

/** Plain fetch for endpoints that are not JSON resources (CSV downloads, bulk actions). */
export async function apiFetch(url: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  const method = (init.method ?? 'GET').toUpperCase();
  const csrf = currentSession()?.csrfToken;
  if (!SAFE_METHODS.has(method) && csrf) headers.set('X-CSRF-Token', csrf);
  if (init.body && !headers.has('Content-Type')) headers.set('Content-Type', 'application/json');
  return fetch(url, { ...init, headers, credentials: 'include' });
}

/** The API's own words for a failed response, or a generic line when it sent none. */
export async function errorMessage(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as { error?: { message?: string } };
    if (body.error?.message) return body.error.message;
  } catch {
    // Not JSON: fall through.
  }
  return `The server answered ${response.status} ${response.statusText}.`;
}
