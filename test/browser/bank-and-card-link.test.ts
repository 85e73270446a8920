import express from 'express';
import { chromium, type Browser } from 'playwright-core';
import { randomUUID } from 'node:crypto';
import { listen, type RunningServer } from '../../emulators/http';
import { startPaymentEmulators, type PaymentEmulators } from '../support/payment-emulators';

/**
 * The two browser steps of adding a payment method, in a real Chromium on another origin than
 * the emulators (as the portal is): the Plaid Link page opened as a popup or by redirect, and
 * a card sent straight to Moov with a scoped token (CORS preflight included).
 */
interface LinkMessage {
  event: string;
  public_token: string;
  metadata: { institution: { name: string }; accounts: Array<{ id: string; mask: string }> };
}

describe('bank and card linking in a browser', () => {
  let emulators: PaymentEmulators;
  let portal: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    emulators = await startPaymentEmulators();
    const app = express();
    app.get('/', (_req, res) => {
      res.type('html').send(`<!doctype html><html><body>
        <button id="connect">Connect bank</button>
        <script>
          window.linkResults = [];
          window.addEventListener('message', (event) => { if (event.data && event.data.source === 'plaid-link-emulator') window.linkResults.push(event.data); });
          document.getElementById('connect').addEventListener('click', () => window.open(window.linkUrl, 'plaid', 'width=480,height=720'));
        </script></body></html>`);
    });
    app.get('/bank-linked', (_req, res) => {
      res.type('html').send('<!doctype html><p>linked</p>');
    });
    portal = await listen(app, 0);
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await portal?.stop();
    await emulators?.stop();
  });

  it('returns the public token from the Link popup to the opener by postMessage, and the popup closes', async () => {
    const { linkUrl } = await emulators.plaidClient.createLinkToken({ clientUserId: randomUUID(), clientName: 'Northwind Lumber' });
    const page = await browser.newPage();
    await page.goto(portal.url);
    await page.evaluate((url) => {
      (window as unknown as { linkUrl: string }).linkUrl = url;
    }, linkUrl!);
    const [popup] = await Promise.all([page.waitForEvent('popup'), page.click('#connect')]);
    await popup.check('input[value="ins_dp_returns:r01"]');
    await Promise.all([popup.waitForEvent('close'), popup.click('button[type=submit]')]);

    const handle = await page.waitForFunction(() => {
      const results = (window as unknown as { linkResults: unknown[] }).linkResults;
      return results.length > 0 && results;
    });
    const [message] = (await handle.jsonValue()) as LinkMessage[];
    expect(message).toMatchObject({ event: 'SUCCESS', metadata: { institution: { name: 'Returns Test Bank' }, accounts: [{ mask: '0001' }] } });
    const { accessToken } = await emulators.plaidClient.exchangePublicToken(message!.public_token);
    expect((await emulators.plaidClient.getAccounts(accessToken)).accounts.map((a) => a.accountId)).toEqual([message!.metadata.accounts[0]!.id]);
    await page.close();
  });

  it('sends the browser back to the redirect URI with the result when the link token has one', async () => {
    const { linkUrl } = await emulators.plaidClient.createLinkToken({ clientUserId: randomUUID(), clientName: 'Northwind Lumber', redirectUri: `${portal.url}/bank-linked` });
    const page = await browser.newPage();
    await page.goto(linkUrl!);
    await page.check('input[value="ins_dp_prairie:checking"]');
    await Promise.all([page.waitForURL(/\/bank-linked\?/), page.click('button[type=submit]')]);
    const landed = new URL(page.url());
    expect(landed.searchParams.get('status')).toBe('success');
    expect(landed.searchParams.get('public_token')).toMatch(/^public-sandbox-/);
    await page.close();
  });

  it('links a card from another origin with only the scoped token; the card number never passes through our server', async () => {
    const accountId = await emulators.moovClient.ensureCustomerAccount({ id: randomUUID(), name: 'Browser Card Co' });
    const token = await emulators.moovClient.createCardLinkToken(accountId);
    const page = await browser.newPage();
    await page.goto(portal.url);
    const result = await page.evaluate(async ({ cardsUrl, accessToken }) => {
      const response = await fetch(cardsUrl, {
        method: 'POST',
        headers: { Authorization: `Bearer ${accessToken}`, 'Content-Type': 'application/json', 'X-Moov-Version': 'v2026.07.00' },
        body: JSON.stringify({ cardNumber: '5200828282828210', cardCvv: '321', expiration: { month: '08', year: '31' }, billingAddress: { postalCode: '98101', stateOrProvince: 'WA' } }),
      });
      return { status: response.status, body: await response.json() };
    }, token);
    expect(result).toMatchObject({ status: 200, body: { brand: 'Mastercard', cardType: 'debit', lastFourCardNumber: '8210' } });
    const [method] = await emulators.moovClient.listPaymentMethods(accountId);
    expect(method).toMatchObject({ kind: 'card', cardFunding: 'debit', billingState: 'WA', sourceId: result.body.cardID });
    await page.close();
  });
});
