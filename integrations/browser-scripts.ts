/**
 * Where the providers' browser scripts are served, relative to the browser URL of their
 * emulators: Plaid Link at Plaid's own CDN path; Moov's Drops (at Moov, https://js.moov.io/v1)
 * at a path of the Moov emulator. Real providers are configured with full URLs instead.
 */
export const MOOV_DROPS_SCRIPT_PATH = '/drops/v1.js';
export const PLAID_LINK_SCRIPT_PATH = '/link/v2/stable/link-initialize.js';
