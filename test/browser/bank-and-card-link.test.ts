import express from 'express';
import { chromium, type Browser } from 'playwright-core';
import { randomUUID } from 'node:crypto';
import { listen, type RunningServer } from '../../emulators/http';
import { MOOV_DROPS_SCRIPT_PATH } from '../../integrations/browser-scripts';
import { startPaymentEmulators, type PaymentEmulators } from '../support/payment-emulators';

/**
 * The providers' browser pieces on their own, in a real Chromium on another origin than the
 * emulators (as the portal is): Plaid's Hosted Link page opened as a popup or by redirect, and
 * Moov's `moov-card-link` element from its script, on a bare page that knows nothing else.
 * test/browser/portal-providers.test.ts drives the same pieces through the portal.
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
    app.get('/drop', (_req, res) => {
      res.type('html').send('<!doctype html><html><body><form id="form"></form></body></html>');
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
    const { linkUrl } = await emulators.plaidClient.createLinkToken({ clientUserId: randomUUID(), clientName: 'Northwind Lumber', hostedLink: true });
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
    const { linkUrl } = await emulators.plaidClient.createLinkToken({ clientUserId: randomUUID(), clientName: 'Northwind Lumber', redirectUri: `${portal.url}/bank-linked`, hostedLink: true });
    const page = await browser.newPage();
    await page.goto(linkUrl!);
    await page.check('input[value="ins_dp_prairie:checking"]');
    await Promise.all([page.waitForURL(/\/bank-linked\?/), page.click('button[type=submit]')]);
    const landed = new URL(page.url());
    expect(landed.searchParams.get('status')).toBe('success');
    expect(landed.searchParams.get('public_token')).toMatch(/^public-sandbox-/);
    await page.close();
  });

  it('links a card through the moov-card-link element: the hosting page sets the token and calls submit(), the frame keeps the number', async () => {
    const accountId = await emulators.moovClient.ensureCustomerAccount({ id: randomUUID(), name: 'Browser Card Co' });
    const token = await emulators.moovClient.createCardLinkToken(accountId);
    const page = await browser.newPage();
    await page.goto(`${portal.url}/drop`);
    await page.evaluate(({ scriptUrl, accessToken, account }) => new Promise<void>((resolve, reject) => {
      const script = document.createElement('script');
      script.src = scriptUrl;
      script.onerror = () => reject(new Error('script did not load'));
      script.onload = () => {
        const drop = document.createElement('moov-card-link') as HTMLElement & Record<string, unknown>;
        const results: unknown[] = [];
        (window as unknown as { dropResults: unknown[] }).dropResults = results;
        drop.oauthToken = accessToken;
        drop.accountID = account;
        drop.allowedCardBrands = ['visa', 'mastercard'];
        drop.onSuccess = (card: unknown) => results.push({ success: card });
        drop.onError = (failure: unknown) => results.push({ error: failure });
        drop.onValidated = (valid: unknown) => results.push({ validated: valid });
        document.getElementById('form')!.append(drop);
        resolve();
      };
      document.head.append(script);
    }), { scriptUrl: `${emulators.moov.url}${MOOV_DROPS_SCRIPT_PATH}`, accessToken: token.accessToken, account: accountId });
    const results = async () => page.evaluate(() => (window as unknown as { dropResults: Array<Record<string, unknown>> }).dropResults);
    const frame = page.frameLocator('moov-card-link iframe');

    // A brand the page did not allow is refused inside the frame, and nothing is sent.
    await frame.getByLabel('Card number').fill('378282246310005');
    await frame.getByLabel('Expiration').fill('08/31');
    await frame.getByLabel('Security code').fill('3210');
    await frame.getByLabel('Billing ZIP').fill('98101');
    await page.evaluate(() => (document.querySelector('moov-card-link') as HTMLElement & { submit(): void }).submit());
    await frame.getByText('American Express is not accepted here.').waitFor();
    expect(await results()).toEqual([{ validated: false }]);

    await frame.getByLabel('Card number').fill('5200 8282 8282 8210');
    await frame.getByLabel('Security code').fill('321');
    await page.evaluate(() => (document.querySelector('moov-card-link') as HTMLElement & { submit(): void }).submit());
    await page.waitForFunction(() => (window as unknown as { dropResults: Array<Record<string, unknown>> }).dropResults.some((result) => 'success' in result));
    const success = (await results()).find((result) => 'success' in result)!.success as { cardID: string; brand: string; cardType: string; lastFourCardNumber: string };
    expect(success).toMatchObject({ brand: 'Mastercard', cardType: 'debit', lastFourCardNumber: '8210' });
    expect(JSON.stringify(success)).not.toContain('5200828282828210');
    // The hosting page cannot reach into the processor's frame.
    expect(await page.evaluate(() => (document.querySelector('moov-card-link iframe') as HTMLIFrameElement).contentDocument)).toBeNull();
    const [method] = await emulators.moovClient.listPaymentMethods(accountId);
    // The Drop sends only the ZIP; the state comes from it.
    expect(method).toMatchObject({ kind: 'card', cardFunding: 'debit', billingState: 'WA', sourceId: success.cardID });

    // The same card again: Moov answers 409 with the card it already has, through onError.
    await frame.getByLabel('Card number').fill('5200828282828210');
    await page.evaluate(() => (document.querySelector('moov-card-link') as HTMLElement & { submit(): void }).submit());
    await page.waitForFunction(() => (window as unknown as { dropResults: Array<Record<string, unknown>> }).dropResults.some((result) => 'error' in result));
    const failure = (await results()).find((result) => 'error' in result)!.error as { errorMessage: string; error: { status: number; existingCardID: string } };
    expect(failure).toMatchObject({ errorMessage: 'This card is already linked.', error: { status: 409, existingCardID: success.cardID } });
    await page.close();
  });
});
