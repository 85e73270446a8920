import { TEST_INSTITUTIONS } from './institutions';
import type { LinkTokenRecord } from './store';

/**
 * The stand-in for Plaid Link: a page that lists the test banks, lets the user pick one
 * account and hands the resulting public token back to whoever opened it. With JavaScript it
 * posts `{ source: 'plaid-link-emulator', event: 'SUCCESS' | 'EXIT', public_token, metadata }`
 * to `window.opener` (popup) or `window.parent` (iframe); when the link token carries a
 * redirect_uri the browser is also sent there with the result in query parameters. Without
 * JavaScript the form posts to the emulator, which redirects or shows the token.
 */
const escapeHtml = (value: string) =>
  value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const mask = (accountNumber: string) => accountNumber.slice(-4);

export function renderLinkPage(link: LinkTokenRecord): string {
  const banks = TEST_INSTITUTIONS.map(
    (institution) => `
    <fieldset>
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

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Connect a bank account</title>
<style>
  body { font-family: system-ui, sans-serif; max-width: 32rem; margin: 2rem auto; padding: 0 1rem; color: #1b1f24; }
  h1 { font-size: 1.3rem; } fieldset { border: 1px solid #d0d7de; border-radius: 8px; margin: 0 0 1rem; }
  legend { font-weight: 600; padding: 0 .3rem; } .account { display: flex; gap: .6rem; padding: .4rem 0; cursor: pointer; }
  .behaviour { color: #57606a; } .actions { display: flex; gap: .6rem; } button { padding: .5rem 1rem; border-radius: 6px; border: 1px solid #8c959f; background: #fff; }
  button[type=submit] { background: #0a66c2; color: #fff; border-color: #0a66c2; } .note { color: #57606a; font-size: .85rem; }
</style>
</head>
<body>
<h1>Connect a bank account to ${escapeHtml(link.clientName)}</h1>
<p class="note">Test banks of the local Plaid emulator. Pick the account to link.</p>
<form id="link" method="post" action="/link/complete">
  <input type="hidden" name="link_token" value="${escapeHtml(link.linkToken)}">
  ${banks}
  <div class="actions">
    <button type="submit">Continue</button>
    <button type="button" id="exit">Cancel</button>
  </div>
  <p id="error" role="alert" class="note"></p>
</form>
<script>
(() => {
  const form = document.getElementById('link');
  const linkToken = ${JSON.stringify(link.linkToken)};
  const redirectUri = ${JSON.stringify(link.redirectUri ?? null)};
  const tell = (message) => {
    const target = window.opener || (window.parent !== window ? window.parent : null);
    if (target) target.postMessage({ source: 'plaid-link-emulator', ...message }, '*');
    return Boolean(target);
  };
  const finish = (message, params) => {
    const told = tell(message);
    if (redirectUri) {
      const url = new URL(redirectUri);
      for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
      window.location.assign(url.toString());
    } else if (told && window.opener) {
      window.close();
    } else if (!told) {
      document.body.innerHTML = '<h1>Done</h1><p>public_token: <code id="public-token"></code></p>';
      document.getElementById('public-token').textContent = params.public_token || '(cancelled)';
    }
  };
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const selection = new FormData(form).get('selection');
    const response = await fetch('/link/complete', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ link_token: linkToken, selection }),
    });
    const body = await response.json();
    if (!response.ok) { document.getElementById('error').textContent = body.error_message || 'Linking failed'; return; }
    const account = body.metadata.accounts[0];
    finish({ event: 'SUCCESS', public_token: body.public_token, metadata: body.metadata }, {
      status: 'success', public_token: body.public_token, account_id: account.id,
      institution_id: body.metadata.institution.institution_id, link_session_id: body.metadata.link_session_id,
    });
  });
  document.getElementById('exit').addEventListener('click', () => finish({ event: 'EXIT', error: null, metadata: { status: 'requires_credentials' } }, { status: 'exit' }));
})();
</script>
</body>
</html>`;
}

export function renderLinkResult(publicToken: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Bank account connected</title></head>
<body style="font-family: system-ui, sans-serif; margin: 2rem"><h1>Done</h1><p>public_token: <code id="public-token">${escapeHtml(publicToken)}</code></p></body></html>`;
}
