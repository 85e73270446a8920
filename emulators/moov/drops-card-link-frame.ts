/**
 * The frame inside `moov-card-link`: the only page that sees the card number. It takes its
 * token and account from the hosting page (configure), checks what can be checked before
 * sending (check digit, brand allowed, expiry, security code length, ZIP), posts the card to
 * this origin's `/accounts/{accountID}/cards` as Moov's frame does, and reports back the card
 * Moov returns (brand, last four, ids) or the error. Field messages stay inside the frame.
 */
export function cardLinkFramePage(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Card details</title>
<style>
  * { box-sizing: border-box; }
  body { margin: 0; font: 15px/1.4 system-ui, sans-serif; color: #1b1f24; background: transparent; }
  form { display: grid; grid-template-columns: 1fr 1fr 1fr; gap: .6rem .75rem; padding: 2px; }
  label { display: flex; flex-direction: column; gap: .25rem; font-size: .85rem; font-weight: 600; }
  .number { grid-column: 1 / -1; }
  input { font: inherit; padding: .5rem .6rem; border: 1px solid #8c959f; border-radius: 6px; width: 100%; }
  input[aria-invalid="true"] { border-color: #cf222e; }
  .problem { color: #cf222e; font-weight: 400; min-height: 1em; font-size: .8rem; }
  .brand { font-weight: 400; color: #57606a; }
  .stamp { grid-column: 1 / -1; font-size: .75rem; color: #57606a; margin: 0; }
</style>
</head>
<body>
<form id="card" novalidate autocomplete="on">
  <label class="number">Card number <span class="brand" id="brand"></span>
    <input id="cardNumber" name="cardnumber" autocomplete="cc-number" inputmode="numeric" aria-describedby="cardNumber-problem">
    <span class="problem" id="cardNumber-problem" role="alert"></span>
  </label>
  <label>Expiration (MM/YY)
    <input id="expiration" name="exp-date" autocomplete="cc-exp" inputmode="numeric" placeholder="MM/YY" aria-describedby="expiration-problem">
    <span class="problem" id="expiration-problem" role="alert"></span>
  </label>
  <label>Security code
    <input id="cardCvv" name="cvc" autocomplete="cc-csc" inputmode="numeric" aria-describedby="cardCvv-problem">
    <span class="problem" id="cardCvv-problem" role="alert"></span>
  </label>
  <label>Billing ZIP
    <input id="postalCode" name="postal" autocomplete="postal-code" inputmode="numeric" aria-describedby="postalCode-problem">
    <span class="problem" id="postalCode-problem" role="alert"></span>
  </label>
  <p class="stamp">Secured by the Moov emulator: these fields are a frame of the processor's page.</p>
</form>
<script>
(() => {
  'use strict';
  const params = new URLSearchParams(window.location.search);
  const channel = params.get('channel');
  const parentOrigin = params.get('parent');
  if (!channel || !parentOrigin || window.parent === window) return;
  let config = { validationEvent: 'submit' };
  let sending = false;
  const fields = ['cardNumber', 'expiration', 'cardCvv', 'postalCode'];
  const input = (name) => document.getElementById(name);
  const tell = (message) => window.parent.postMessage(Object.assign({ source: 'moov-drops', channel }, message), parentOrigin);
  const digits = (value) => value.replace(/[\\s-]/g, '');

  const BRANDS = [
    ['american-express', 'American Express', /^3[47]/],
    ['visa', 'Visa', /^4/],
    ['mastercard', 'Mastercard', /^(5[1-5]|2(2[2-9]|[3-6]\\d|7[01]|720))/],
    ['discover', 'Discover', /^(6011|65|64[4-9])/],
    ['diners-club', 'Diners Club', /^3(0[0-5]|[689])/],
    ['jcb', 'JCB', /^35/],
    ['unionpay', 'UnionPay', /^62/],
  ];
  const brandOf = (number) => BRANDS.find(([, , pattern]) => pattern.test(number));
  const luhn = (number) => {
    let sum = 0;
    for (let i = 0; i < number.length; i += 1) {
      let digit = Number(number[number.length - 1 - i]);
      if (i % 2 === 1) { digit *= 2; if (digit > 9) digit -= 9; }
      sum += digit;
    }
    return sum % 10 === 0;
  };
  const expiry = () => {
    const match = /^\\s*(\\d{1,2})\\s*\\/?\\s*(\\d{2}|\\d{4})\\s*$/.exec(input('expiration').value);
    return match ? { month: match[1].padStart(2, '0'), year: match[2].slice(-2) } : null;
  };

  const problems = {
    cardNumber: () => {
      const number = digits(input('cardNumber').value);
      if (!number) return 'Enter the card number.';
      if (!/^\\d{13,19}$/.test(number) || !luhn(number)) return 'This card number is not valid.';
      const brand = brandOf(number);
      const allowed = Array.isArray(config.allowedCardBrands) && config.allowedCardBrands.length > 0 ? config.allowedCardBrands : null;
      if (allowed && (!brand || !allowed.includes(brand[0]))) return (brand ? brand[1] : 'This card') + ' is not accepted here.';
      return '';
    },
    expiration: () => {
      const value = expiry();
      if (!value || Number(value.month) < 1 || Number(value.month) > 12) return 'Enter the expiration as MM/YY.';
      const now = new Date();
      const year = 2000 + Number(value.year);
      if (year < now.getFullYear() || (year === now.getFullYear() && Number(value.month) < now.getMonth() + 1)) return 'This card has expired.';
      return '';
    },
    cardCvv: () => {
      const length = /^3[47]/.test(digits(input('cardNumber').value)) ? 4 : 3;
      return new RegExp('^\\\\d{' + length + '}$').test(input('cardCvv').value.trim()) ? '' : 'Enter the ' + length + '-digit security code.';
    },
    postalCode: () => (/^\\d{5}(-\\d{4})?$/.test(input('postalCode').value.trim()) ? '' : 'Enter the 5-digit billing ZIP code.'),
  };
  const show = (name, message) => {
    input(name).setAttribute('aria-invalid', message ? 'true' : 'false');
    document.getElementById(name + '-problem').textContent = message;
  };
  const validate = (only) => {
    let valid = true;
    for (const name of fields) {
      const message = problems[name]();
      if (message) valid = false;
      if (!only || only === name) show(name, message);
    }
    return valid;
  };
  const validateOn = (name) => { if (config.validationEvent !== 'none') tell({ type: 'validated', valid: validate(name) }); };

  input('cardNumber').addEventListener('input', () => {
    const brand = brandOf(digits(input('cardNumber').value));
    document.getElementById('brand').textContent = brand ? '· ' + brand[1] : '';
  });
  for (const name of fields) {
    input(name).addEventListener('keydown', (event) => {
      if (event.key === 'Enter') { event.preventDefault(); tell({ type: 'enter' }); }
    });
    // A field already marked wrong is checked again as it is corrected, whatever the event.
    input(name).addEventListener('input', () => {
      if (config.validationEvent === 'keydown') validateOn(name);
      else if (input(name).getAttribute('aria-invalid') === 'true') show(name, problems[name]());
    });
    input(name).addEventListener('change', () => { if (config.validationEvent === 'change') validateOn(name); });
  }
  document.getElementById('card').addEventListener('submit', (event) => event.preventDefault());

  const MESSAGES = { cardNumber: 'cardNumber', cardCvv: 'cardCvv', expiration: 'expiration', billingAddress: 'postalCode' };
  const submit = async () => {
    if (sending) return;
    const valid = validate();
    tell({ type: 'validated', valid });
    if (!valid) return;
    if (!config.oauthToken || !config.accountID) {
      tell({ type: 'error', errorMessage: 'oauthToken and accountID must be set before submit()', error: null });
      return;
    }
    sending = true;
    try {
      const response = await fetch('/accounts/' + encodeURIComponent(config.accountID) + '/cards', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ' + config.oauthToken },
        body: JSON.stringify({
          cardNumber: digits(input('cardNumber').value),
          cardCvv: input('cardCvv').value.trim(),
          expiration: expiry(),
          billingAddress: { postalCode: input('postalCode').value.trim() },
        }),
      });
      const body = await response.json().catch(() => ({}));
      if (response.ok) {
        tell({ type: 'success', card: body });
        return;
      }
      for (const [key, field] of Object.entries(MESSAGES)) if (typeof body[key] === 'string') show(field, 'The processor says: ' + body[key] + '.');
      const errorMessage = response.status === 409 ? 'This card is already linked.'
        : response.status === 401 ? 'The card session has expired.'
        : response.status === 422 ? 'Some card details were not accepted.'
        : 'The card could not be linked.';
      tell({ type: 'error', errorMessage, error: Object.assign({ status: response.status }, body) });
    } catch (caught) {
      tell({ type: 'error', errorMessage: 'The card service could not be reached.', error: { message: String(caught && caught.message || caught) } });
    } finally {
      sending = false;
    }
  };

  window.addEventListener('message', (event) => {
    if (event.origin !== parentOrigin || event.source !== window.parent) return;
    const data = event.data;
    if (!data || data.source !== 'moov-drops' || data.channel !== channel) return;
    if (data.type === 'configure') config = Object.assign({}, data, { validationEvent: data.validationEvent || 'submit' });
    if (data.type === 'submit') void submit();
  });
  if (typeof ResizeObserver === 'function') {
    new ResizeObserver(() => tell({ type: 'resize', height: document.documentElement.scrollHeight })).observe(document.body);
  }
  tell({ type: 'ready' });
})();
</script>
</body>
</html>`;
}
