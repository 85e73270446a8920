/**
 * The `moov-card-link` element as Moov's script defines it, for the parts Drypowder uses:
 * properties `oauthToken`, `accountID`, `allowedCardBrands`, `validationEvent`; callbacks
 * `onSuccess(card)`, `onError({ errorMessage, error })`, `onValidated(valid)`,
 * `onEnterKeyPress()`; and `submit()`. The element holds only a frame from the emulator's
 * origin and talks to it by postMessage on a channel of its own, checking the origin both ways.
 */
export function dropsScript(fallbackOrigin: string, framePath: string): string {
  return `(() => {
  'use strict';
  if (window.customElements.get('moov-card-link')) return;
  const current = document.currentScript;
  const origin = current && current.src ? new URL(current.src, window.location.href).origin : ${JSON.stringify(fallbackOrigin)};
  const PROPERTIES = ['oauthToken', 'accountID', 'allowedCardBrands', 'validationEvent'];
  let channels = 0;

  class MoovCardLink extends HTMLElement {
    constructor() {
      super();
      this._values = { validationEvent: 'submit' };
      this._queue = [];
      this._ready = false;
      this.onSuccess = undefined;
      this.onError = undefined;
      this.onValidated = undefined;
      this.onEnterKeyPress = undefined;
    }

    static get observedAttributes() { return ['validation-event', 'allowed-card-brands']; }

    attributeChangedCallback(name, _old, value) {
      if (name === 'validation-event') this.validationEvent = value || 'submit';
      if (name === 'allowed-card-brands') this.allowedCardBrands = value ? value.split(',').map((brand) => brand.trim()).filter(Boolean) : undefined;
    }

    connectedCallback() {
      if (this._frame) return;
      channels += 1;
      this._channel = 'card-link-' + channels + '-' + Math.random().toString(36).slice(2);
      const frame = document.createElement('iframe');
      frame.src = origin + ${JSON.stringify(framePath)} + '?channel=' + encodeURIComponent(this._channel) + '&parent=' + encodeURIComponent(window.location.origin);
      frame.title = 'Card details';
      frame.setAttribute('allow', 'payment');
      frame.style.cssText = 'border:0;width:100%;height:220px;display:block;background:transparent';
      this._frame = frame;
      this._listener = (event) => this._receive(event);
      window.addEventListener('message', this._listener);
      this.appendChild(frame);
    }

    disconnectedCallback() {
      window.removeEventListener('message', this._listener);
      if (this._frame) this._frame.remove();
      this._frame = undefined;
      this._ready = false;
      this._queue = [];
    }

    submit() { this._send({ type: 'submit' }); }

    _configuration() {
      const message = { type: 'configure' };
      for (const name of PROPERTIES) message[name] = this._values[name];
      return message;
    }

    _send(message) {
      if (!this._ready || !this._frame || !this._frame.contentWindow) { this._queue.push(message); return; }
      this._frame.contentWindow.postMessage(Object.assign({ source: 'moov-drops', channel: this._channel }, message), origin);
    }

    _receive(event) {
      if (event.origin !== origin || !this._frame || event.source !== this._frame.contentWindow) return;
      const data = event.data;
      if (!data || data.source !== 'moov-drops' || data.channel !== this._channel) return;
      const call = (callback, ...args) => { if (typeof callback === 'function') callback(...args); };
      switch (data.type) {
        case 'ready': {
          this._ready = true;
          const queued = this._queue.filter((message) => message.type !== 'configure');
          this._queue = [];
          this._send(this._configuration());
          for (const message of queued) this._send(message);
          break;
        }
        case 'resize': this._frame.style.height = Math.ceil(Number(data.height) || 0) + 'px'; break;
        case 'validated': call(this.onValidated, Boolean(data.valid)); break;
        case 'success': call(this.onSuccess, data.card); break;
        case 'error': call(this.onError, { errorMessage: data.errorMessage, error: data.error }); break;
        case 'enter': call(this.onEnterKeyPress); break;
      }
    }
  }

  for (const name of PROPERTIES) {
    Object.defineProperty(MoovCardLink.prototype, name, {
      get() { return this._values[name]; },
      set(value) { this._values[name] = value; this._send(this._configuration()); },
    });
  }
  window.customElements.define('moov-card-link', MoovCardLink);
})();
`;
}
