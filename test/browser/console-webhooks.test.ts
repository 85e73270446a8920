import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Browser } from 'playwright-core';
import type { Db } from '../../db/connection';
import { recordSyncError } from '../../db/sync-state';
import { logger } from '../../runtime/logger';
import { startWebhookDispatch } from '../../worker/duties';
import { closeConsolePage, consoleAs, expectText, launchChromium, SCREENSHOTS, type ConsolePage } from '../support/browser';
import { testDb } from '../support/db';
import { eventually } from '../support/eventually';
import { createDealer, createOperator, serveOperatorApp, type ServedApp } from '../support/operator';
import { startTestWorker } from '../support/temporal';
import { WebhookReceiver } from '../support/webhook-receiver';

/**
 * Settings → Webhooks in Debian's Chromium on the real API and worker: an admin adds an
 * endpoint by typing its URL and ticking event types, copies the secret shown once, sees the
 * event delivered in the delivery log, resends it (the receiver gets the same event id again),
 * and disables the endpoint.
 */
jest.setTimeout(300_000);

describe('Settings → Webhooks in a browser', () => {
  let db: Db;
  let served: ServedApp;
  let worker: Awaited<ReturnType<typeof startTestWorker>>;
  let browser: Browser;
  let opened: ConsolePage | undefined;
  const receiver = new WebhookReceiver();
  let stopDispatch: () => void = () => undefined;

  beforeAll(async () => {
    db = testDb();
    const taskQueue = `console-webhooks-${randomUUID()}`;
    served = await serveOperatorApp(db, { TASK_QUEUE: taskQueue, WEBHOOK_RETRY_INITIAL_MS: '200', WEBHOOK_RETRY_MAX_INTERVAL_MS: '500' });
    worker = await startTestWorker({ db, logger, config: served.config }, { taskQueue });
    browser = await launchChromium();
    await receiver.start();
  });

  afterEach(async () => {
    await closeConsolePage(opened, expect.getState().currentTestName);
    opened = undefined;
    stopDispatch();
  });

  afterAll(async () => {
    await receiver.stop();
    await browser?.close();
    await worker?.stop();
    await served?.close();
    await db?.destroy();
  });

  it('adds an endpoint, shows its secret once, logs the delivery, resends it and disables the endpoint', async () => {
    const dealer = await createDealer(db, { name: 'Cedar Ridge Lumber' });
    stopDispatch = startWebhookDispatch(db, worker.client, served.config, 200, { dealerId: dealer.id });
    const admin = await createOperator(db, dealer.id, { role: 'admin', name: 'Morgan Admin' });
    opened = await consoleAs(browser, served.baseUrl, admin.email);
    const { page } = opened;
    await page.getByRole('menuitem', { name: 'Settings' }).click();
    const section = page.getByTestId('webhooks');
    await expectText(section, /No endpoints yet/);

    await section.getByRole('button', { name: 'Add endpoint' }).click();
    const add = page.getByRole('dialog', { name: 'Add a webhook endpoint' });
    await add.getByLabel('Endpoint URL').fill('not a url');
    await add.getByLabel('Description').fill('Credit system');
    await add.getByLabel('sync.failed').check();
    await add.getByRole('button', { name: 'Add endpoint' }).click();
    await expectText(add.getByTestId('webhook-refusal'), /url: "not a url" is not a URL/);
    await add.getByLabel('Endpoint URL').fill(receiver.url);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'console-webhooks-01-add-endpoint.png'), fullPage: true });
    await add.getByRole('button', { name: 'Add endpoint' }).click();

    const shown = page.getByRole('dialog', { name: /Signing secret for/ });
    await expectText(shown, /only time it is shown/);
    receiver.secret = (await shown.getByTestId('webhook-secret').innerText()).trim();
    expect(receiver.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    await shown.getByRole('button', { name: 'I have stored it' }).click();
    await shown.waitFor({ state: 'detached' });
    expect(await page.content()).not.toContain(receiver.secret);

    const endpoint = await db('webhook_endpoints').where({ dealer_id: dealer.id }).first('id');
    const row = page.getByTestId(`webhook-endpoint-${endpoint.id}`);
    await expectText(row, /Credit system[\s\S]*payment\.settled[\s\S]*payment\.returned[\s\S]*sync\.failed[\s\S]*Enabled/);

    await recordSyncError(db, dealer.id, 'Spruce answered 401 Unauthorized');
    const eventId = String((await db('domain_events').where({ dealer_id: dealer.id, type: 'sync.failed' }).first('id')).id);
    await eventually(() => expect(receiver.eventIds()).toEqual([eventId]));
    expect(receiver.received[0]!.signatureValid).toBe(true);

    await row.getByRole('button', { name: 'Deliveries' }).click();
    const delivery = page.getByTestId(`webhook-delivery-${eventId}`);
    await expectText(delivery, /sync\.failed\s+\d+\s+delivered\s+1\s+200 OK\s+\d+ ms/);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'console-webhooks-02-delivered.png'), fullPage: true });

    await delivery.getByRole('button', { name: 'Resend' }).click();
    await expectText(page.getByTestId(`webhook-deliveries-${endpoint.id}`), new RegExp(`Event ${eventId} \\(sync\\.failed\\) is being sent again`));
    await eventually(() => expect(receiver.eventIds()).toEqual([eventId, eventId]));
    expect(receiver.received[1]!.body).toBe(receiver.received[0]!.body);
    await page.getByTestId(`webhook-deliveries-${endpoint.id}`).getByRole('button', { name: 'Refresh' }).click();
    await expectText(delivery, /delivered\s+2 \(1 resent\)/);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'console-webhooks-03-resent.png'), fullPage: true });

    await row.getByRole('button', { name: 'Disable' }).click();
    await expectText(row, /Disabled[\s\S]*Disabled by an admin/);
    await row.getByRole('button', { name: 'Enable' }).waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'console-webhooks-04-disabled.png'), fullPage: true });
  });

  it('does not show the section to an AR operator', async () => {
    const dealer = await createDealer(db);
    const clerk = await createOperator(db, dealer.id, { role: 'ar_operator' });
    opened = await consoleAs(browser, served.baseUrl, clerk.email);
    await opened.page.getByRole('menuitem', { name: 'Settings' }).click();
    await opened.page.getByText('Team').first().waitFor();
    expect(await opened.page.getByTestId('webhooks').count()).toBe(0);
  });
});
