/**
 * The signed-in operator as the API describes them (`/auth/sign-in`, `/auth/session`): who
 * they are, their dealer (whose time zone every date is shown in) and the CSRF token every
 * mutating request must echo. Held in memory only; a reload asks the API again.
 */
export interface OperatorSession {
  user: { id: string; email: string; name: string; role: 'admin' | 'ar_operator' };
  dealer: { id: string; name: string; time_zone: string; integration_mode: 'spruce' | 'file'; bills_by_statement?: boolean };
  csrfToken: string;
}

export const API_URL = '/api/operator';

// undefined: not asked yet; null: the API said nobody is signed in (until the next sign-in).
let current: OperatorSession | null | undefined;

export const currentSession = () => current ?? null;
export const sessionKnown = () => current !== undefined;
export const setSession = (session: OperatorSession | null) => {
  current = session;
};

/** The dealer's IANA time zone; the browser's until the session is known. */
export const dealerTimeZone = () => current?.dealer.time_zone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
