/** How often a page that follows a live record asks again; a few seconds is what an operator notices. */
export const LIVE_POLL_MS = 3000;

/**
 * react-query options for a record page (react-admin `<Show queryOptions>`) that follows the
 * record while `moving` says it can still change by itself — a workflow moving a payment, a
 * settlement collecting and posting — and stops asking once it has come to rest. Polling
 * pauses while the tab is hidden.
 */
export function followWhile<T>(moving: (record: T) => boolean, everyMs = LIVE_POLL_MS) {
  return {
    refetchInterval: (query: { state: { data?: T } }) => (query.state.data !== undefined && moving(query.state.data) ? everyMs : false),
    refetchIntervalInBackground: false,
  };
}
