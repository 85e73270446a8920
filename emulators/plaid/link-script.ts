/**
 * Plaid Link's browser API as `link-initialize.js` defines it, for the parts Drypowder uses:
 * `Plaid.create({ token, onSuccess, onExit, onEvent, onLoad })` returning a handler with
 * `open()`, `exit()` and `destroy()`. Like Plaid's, it opens Link in a frame over the whole
 * page (the frame draws its own dialog), and calls back with Plaid's arguments:
 * `onSuccess(public_token, metadata)`, `onExit(error | null, metadata)`,
 * `onEvent(eventName, metadata)`. Messages are accepted only from the frame, at this origin.
 */
export function linkScript(fallbackOrigin: string): string {
  return `(() => {
  'use strict';
  if (window.Plaid && window.Plaid.create) return;
  const current = document.currentScript;
  const origin = current && current.src ? new URL(current.src, window.location.href).origin : ${JSON.stringify(fallbackOrigin)};
  const call = (callback, ...args) => { if (typeof callback === 'function') callback(...args); };

  function create(config) {
    if (!config || typeof config.token !== 'string' || config.token === '') throw new Error('Plaid.create: a link token is required');
    let frame = null;
    let listener = null;
    const close = () => {
      if (listener) window.removeEventListener('message', listener);
      if (frame) frame.remove();
      frame = null;
      listener = null;
      document.documentElement.style.removeProperty('overflow');
    };
    const receive = (event) => {
      if (!frame || event.origin !== origin || event.source !== frame.contentWindow) return;
      const data = event.data;
      if (!data || data.source !== 'plaid-link') return;
      if (data.action === 'event') call(config.onEvent, data.eventName, data.metadata || {});
      if (data.action === 'success') { close(); call(config.onSuccess, data.public_token, data.metadata || {}); }
      if (data.action === 'exit') { close(); call(config.onExit, data.error || null, data.metadata || {}); }
    };
    const handler = {
      open() {
        if (frame) return;
        frame = document.createElement('iframe');
        frame.src = origin + '/link?token=' + encodeURIComponent(config.token) + '&embedded=1&parent=' + encodeURIComponent(window.location.origin);
        frame.title = 'Plaid Link';
        frame.setAttribute('aria-label', 'Link a bank account');
        frame.style.cssText = 'position:fixed;inset:0;width:100vw;height:100vh;border:0;z-index:2147483647;background:transparent';
        listener = receive;
        window.addEventListener('message', listener);
        document.documentElement.style.overflow = 'hidden';
        document.body.appendChild(frame);
      },
      exit(options) {
        if (!frame) return;
        if (options && options.force) { close(); call(config.onExit, null, { status: null, institution: null, link_session_id: null }); return; }
        frame.contentWindow.postMessage({ source: 'plaid-link', action: 'exit' }, origin);
      },
      submit() {},
      destroy() { close(); },
    };
    setTimeout(() => call(config.onLoad), 0);
    return handler;
  }

  window.Plaid = { version: '2.0.0-emulator', create };
})();
`;
}
