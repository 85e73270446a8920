import { TEST_INSTITUTIONS } from './institutions';
import type { LinkTokenRecord } from './store';

/**
 * The stand-in for Plaid Link's own screens. Two ways in, as at Plaid:
 * - embedded: the frame `link-initialize.js` opens over the page (Plaid.create → open). It
 *   draws the dialog, reports Link's events (OPEN, SELECT_INSTITUTION, ERROR, HANDOFF, EXIT) and
 *   the result to the hosting page only, at the origin that page gave, and obeys its exit().
 * - hosted: a page of its own (Hosted Link), which redirects to the link token's redirect_uri
 *   or posts `{ source: 'plaid-link-emulator', … }` to its opener; without JavaScript the form
 *   posts to the emulator.
 * A link token created with an access token (update mode) asks only to reconnect that item.
 */
const escapeHtml = (value: string) =>
  value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const mask = (accountNumber: string) => accountNumber.slice(-4);

export interface LinkPageOptions {
  /** Opened by link-initialize.js inside a frame of the page at this origin. */
  embeddedFor?: string;
}

function bankChoices(): string {
  return TEST_INSTITUTIONS.map(
    (institution) => `
    <fieldset data-institution-id="${escapeHtml(institution.institutionId)}" data-institution-name="${escapeHtml(institution.name)}">
      <legend>${escapeHtml(institution.name)}</legend>
      ${institution.accounts
        .map(
          (account) => `
      <label class="account">
        <input type="radio" name="selection" value="${escapeHtml(`${institution.institutionId}:${account.key}`)}" required>
        <span><b>${escapeHtml(account.name)}</b> ····${escapeHtml(mask(account.accountNumber))} <small>${escapeHtml(account.subtype)}</small><br>
        <small class="behaviour">${escapeHtml(account.behaviour)}</small></span>
      </label>`,
        )
        .join('')}
    </fieldset>`,
  ).join('');
}

const STYLE = `
  body { font-family: system-ui, sans-serif; color: #1b1f24; margin: 0; }
  .sheet { max-width: 32rem; margin: 2rem auto; padding: 0 1rem; }
  body.embedded { background: rgba(15, 23, 42, .55); min-height: 100vh; display: flex; align-items: center; justify-content: center; }
  body.embedded .sheet { background: #fff; border-radius: 12px; box-shadow: 0 20px 50px rgba(0,0,0,.3); padding: 1.25rem 1.5rem; margin: 1rem; max-height: calc(100vh - 2rem); overflow: auto; width: 100%; }
  h1 { font-size: 1.3rem; } fieldset { border: 1px solid #d0d7de; border-radius: 8px; margin: 0 0 1rem; }
  legend { font-weight: 600; padding: 0 .3rem; } .account { display: flex; gap: .6rem; padding: .4rem 0; cursor: pointer; }
  .behaviour { color: #57606a; } .actions { display: flex; gap: .6rem; } button { padding: .5rem 1rem; border-radius: 6px; border: 1px solid #8c959f; background: #fff; font: inherit; }
  button[type=submit] { background: #0a66c2; color: #fff; border-color: #0a66c2; } .note { color: #57606a; font-size: .85rem; }
  .failure { color: #a40e26; background: #ffebe9; border: 1px solid #ff8182; border-radius: 6px; padding: .6rem .8rem; }
  .failure:empty { display: none; }`;

export function renderLinkPage(link: LinkTokenRecord, options: LinkPageOptions = {}): string {
  const reconnecting = Boolean(link.updateItemId);
  const heading = reconnecting ? `Reconnect your bank account to ${escapeHtml(link.clientName)}` : `Connect a bank account to ${escapeHtml(link.clientName)}`;
  const body = reconnecting
    ? '<p>Your bank needs you to sign in again before this account can be used. Sign in to continue.</p>'
    : `<p class="note">Test banks of the local Plaid emulator. Pick the account to link.</p>${bankChoices()}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${reconnecting ? 'Reconnect a bank account' : 'Connect a bank account'}</title>
<style>${STYLE}</style>
</head>
<body class="${options.embeddedFor ? 'embedded' : ''}">
<div class="sheet" role="dialog" aria-modal="true" aria-labelledby="link-heading">
<h1 id="link-heading">${heading}</h1>
<form id="link" method="post" action="/link/complete">
  <input type="hidden" name="link_token" value="${escapeHtml(link.linkToken)}">
  ${body}
  <p id="error" role="alert" class="failure"></p>
  <div class="actions">
    <button type="submit">${reconnecting ? 'Sign in and reconnect' : 'Continue'}</button>
    <button type="button" id="exit">${options.embeddedFor ? 'Exit' : 'Cancel'}</button>
  </div>
</form>
</div>
<script>
(() => {
  const form = document.getElementById('link');
  const linkToken = ${JSON.stringify(link.linkToken)};
  const redirectUri = ${JSON.stringify(link.redirectUri ?? null)};
  const parentOrigin = ${JSON.stringify(options.embeddedFor ?? null)};
  const linkSessionId = ${JSON.stringify(link.linkToken)}.slice(-12) + '-' + Math.random().toString(36).slice(2, 10);
  let institution = null;
  let lastError = null;

  // Embedded: everything goes to the hosting page, at the origin it gave; nowhere else.
  const toHost = (message) => window.parent.postMessage(Object.assign({ source: 'plaid-link' }, message), parentOrigin);
  const event = (eventName, extra) => {
    if (parentOrigin) toHost({ action: 'event', eventName, metadata: Object.assign({ link_session_id: linkSessionId, institution_id: institution && institution.institution_id, institution_name: institution && institution.name, timestamp: new Date().toISOString() }, extra || {}) });
  };
  const exitMetadata = () => ({ status: lastError ? 'requires_credentials' : 'institution_not_found', institution, link_session_id: linkSessionId, request_id: null });
  const exit = () => {
    event('EXIT', lastError ? { error_type: lastError.error_type, error_code: lastError.error_code } : {});
    if (parentOrigin) { toHost({ action: 'exit', error: lastError, metadata: exitMetadata() }); return; }
    hosted({ event: 'EXIT', error: lastError, metadata: exitMetadata() }, { status: 'exit' });
  };
  const hosted = (message, params) => {
    const target = window.opener || (window.parent !== window ? window.parent : null);
    if (target) target.postMessage(Object.assign({ source: 'plaid-link-emulator' }, message), '*');
    if (redirectUri) {
      const url = new URL(redirectUri);
      for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
      window.location.assign(url.toString());
    } else if (target && window.opener) {
      window.close();
    } else if (!target) {
      document.body.innerHTML = '<h1>Done</h1><p>public_token: <code id="public-token"></code></p>';
      document.getElementById('public-token').textContent = params.public_token || '(cancelled)';
    }
  };

  form.addEventListener('change', (change) => {
    const fieldset = change.target.closest('fieldset');
    if (!fieldset) return;
    institution = { institution_id: fieldset.dataset.institutionId, name: fieldset.dataset.institutionName };
    event('SELECT_INSTITUTION');
  });
  form.addEventListener('submit', async (submitted) => {
    submitted.preventDefault();
    const selection = new FormData(form).get('selection');
    document.getElementById('error').textContent = '';
    const response = await fetch('/link/complete', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(selection ? { link_token: linkToken, selection } : { link_token: linkToken }),
    });
    const body = await response.json();
    if (!response.ok) {
      lastError = { error_type: body.error_type, error_code: body.error_code, error_message: body.error_message, display_message: body.display_message };
      document.getElementById('error').textContent = body.display_message || body.error_message || 'Linking failed';
      event('ERROR', { error_type: body.error_type, error_code: body.error_code, error_message: body.error_message });
      return;
    }
    lastError = null;
    institution = body.metadata.institution;
    const account = body.metadata.accounts[0];
    if (parentOrigin) {
      event('HANDOFF');
      toHost({ action: 'success', public_token: body.public_token, metadata: body.metadata });
      return;
    }
    hosted({ event: 'SUCCESS', public_token: body.public_token, metadata: body.metadata }, {
      status: 'success', public_token: body.public_token, account_id: account.id,
      institution_id: body.metadata.institution.institution_id, link_session_id: body.metadata.link_session_id,
    });
  });
  document.getElementById('exit').addEventListener('click', exit);
  if (parentOrigin) {
    window.addEventListener('message', (message) => {
      if (message.origin !== parentOrigin || message.source !== window.parent) return;
      if (message.data && message.data.source === 'plaid-link' && message.data.action === 'exit') exit();
    });
    window.addEventListener('keydown', (key) => { if (key.key === 'Escape') exit(); });
    event('OPEN');
  }
})();
</script>
</body>
</html>`;
}

export function renderLinkResult(publicToken: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Bank account connected</title></head>
<body style="font-family: system-ui, sans-serif; margin: 2rem"><h1>Done</h1><p>public_token: <code id="public-token">${escapeHtml(publicToken)}</code></p></body></html>`;
}
