import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Browser } from 'playwright-core';
import request from 'supertest';
import { hashPassword } from '../../api/auth/passwords';
import type { Db } from '../../db/connection';
import { startSpruceEmulator, type SpruceEmulator } from '../../emulators/spruce';
import { closeConsolePage, consoleAs, launchChromium, openConsolePage, SCREENSHOTS, type ConsolePage, signInToPortal } from '../support/browser';
import { testDb } from '../support/db';
import { createDealer, createOperator, serveOperatorApp, type ServedApp } from '../support/operator';
import { createCustomerAccount, createInvoice, CUSTOMER_PASSWORD, uniqueEmail } from '../support/portal';
import { createCustomerBook, createSettlementDealer } from '../support/settlements';

/**
 * The papers behind an invoice, driven as people do in Debian's Chromium: a contractor opens
 * the signed delivery ticket of an invoice from Outstanding (a Spruce dealer's, served from the
 * Spruce emulator through our API), and a file-based dealer's AR clerk uploads a ticket on the
 * console's invoice page by clicking the drop zone and answering the file chooser.
 */
jest.setTimeout(180_000);

/** A scanned ticket stand-in: a small page rendered by the browser itself, as PNG. */
async function ticketScan(browser: Browser, ticket: { number: string; signedBy: string }): Promise<Buffer> {
  const context = await browser.newContext({ viewport: { width: 520, height: 320 } });
  const page = await context.newPage();
  await page.setContent(`<body style="font-family:sans-serif;margin:24px;border:3px solid #333;padding:16px">
    <h2 style="margin:0">Delivery ticket ${ticket.number}</h2><p>2x6x16 SPF #2 — 120 pcs<br>OSB 7/16 4x8 — 60 sheets</p>
    <p>Received in good order: <span style="font-family:cursive;font-size:22px">${ticket.signedBy}</span></p></body>`);
  const png = await page.screenshot();
  await context.close();
  return png;
}

describe('Documents behind an invoice in the browser', () => {
  let db: Db;
  let app: ServedApp;
  let spruce: SpruceEmulator;
  let browser: Browser;
  let opened: ConsolePage | undefined;

  beforeAll(async () => {
    db = testDb();
    spruce = await startSpruceEmulator({ port: 0 });
    app = await serveOperatorApp(db);
    browser = await launchChromium();
  });

  afterEach(async () => {
    await closeConsolePage(opened, expect.getState().currentTestName);
    opened = undefined;
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await spruce?.stop();
    await db?.destroy();
  });

  it('a customer opens the signed delivery ticket of an invoice from Outstanding', async () => {
    const dealer = await createSettlementDealer(db, spruce);
    const invoiceNumber = `SP-${randomUUID().slice(0, 5).toUpperCase()}`;
    const book = await createCustomerBook(db, spruce, dealer, { invoices: [{ number: invoiceNumber, amountCents: 1_284_50 }] });
    const email = uniqueEmail('ap');
    await db('portal_users').insert({ company_id: book.companyId, email, name: 'Casey Payables', password_hash: await hashPassword(CUSTOMER_PASSWORD), terms_version: '2026-01', terms_accepted_at: db.fn.now() });
    const scan = await ticketScan(browser, { number: '77120', signedBy: 'M. Ortega' });
    const attach = (body: object) => request(spruce.url).post(`/admin/tenants/${dealer.tenantId}/invoices/${invoiceNumber}/documents`).send(body).expect(201);
    await attach({ kind: 'invoice_copy' });
    await attach({ kind: 'delivery_ticket', file_name: 'ticket-77120.png', content_type: 'image/png', content_base64: scan.toString('base64'), ticket_number: '77120', delivered_date: '2026-10-02', signed_by: 'M. Ortega' });

    opened = await openConsolePage(browser);
    const { page, context } = opened;
    await signInToPortal(page, app.baseUrl, email, dealer.name);

    await page.getByRole('button', { name: `Documents for invoice ${invoiceNumber}` }).click();
    const list = page.getByRole('list', { name: `Documents of invoice ${invoiceNumber}` });
    await list.getByRole('link', { name: 'Invoice copy' }).waitFor();
    const ticketLink = list.getByRole('link', { name: 'Delivery ticket 77120' });
    await ticketLink.waitFor();
    await list.getByText('delivered Oct 2, 2026').or(list.getByText(/delivered .*2026/)).first().waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'portal-invoice-documents-desktop.png'), fullPage: true });

    const popup = context.waitForEvent('page');
    await ticketLink.click();
    const ticketPage = await popup;
    await ticketPage.waitForLoadState();
    expect(ticketPage.url()).toContain(`${app.baseUrl}/api/portal/invoices/`);
    expect(ticketPage.url()).not.toContain(spruce.url);
    await ticketPage.locator('img').waitFor();
    await ticketPage.screenshot({ path: path.join(SCREENSHOTS, 'portal-delivery-ticket-opened.png') });

    const user = await db('portal_users').where({ email }).first('id');
    const audits = await db('audit_events').where({ dealer_id: dealer.id, action: 'document.downloaded', actor_id: user.id }).select('data');
    expect(audits.map((audit) => audit.data.ticket_number)).toEqual(['77120']);
  });

  it('an operator uploads a signed ticket on the console\'s invoice page through the file chooser', async () => {
    const dealer = await createDealer(db, { integration_mode: 'file' });
    const clerk = await createOperator(db, dealer.id, { role: 'ar_operator', name: 'Robin Receivables' });
    const account = await createCustomerAccount(db, dealer.id, { name: 'Hilltop Framing' });
    const invoice = await createInvoice(db, dealer.id, account.id, { number: `FB-${randomUUID().slice(0, 5).toUpperCase()}`, amountCents: 3_402_10, dueDate: '2026-12-20' });
    const scan = await ticketScan(browser, { number: '5521', signedBy: 'J. Whitaker' });

    opened = await consoleAs(browser, app.baseUrl, clerk.email);
    const { page } = opened;
    await page.goto(`${app.baseUrl}/admin/#/invoices/${invoice.id}/show`);
    const panel = page.getByTestId('invoice-documents');
    await panel.getByText('No invoice copy or delivery ticket uploaded yet.').waitFor();

    const chooser = page.waitForEvent('filechooser');
    await panel.getByTestId('document-drop-zone').click();
    await (await chooser).setFiles({ name: 'ticket-5521.png', mimeType: 'image/png', buffer: scan });
    await panel.getByText(/ticket-5521\.png · \d+ KB/).waitFor();
    await panel.getByLabel('Ticket number').fill('5521');
    await panel.getByLabel('Delivered on').fill('2026-11-03');
    await panel.getByLabel('Signed by').fill('J. Whitaker');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'console-invoice-document-chosen.png'), fullPage: true });
    await panel.getByRole('button', { name: 'Upload' }).click();

    const row = panel.getByRole('row').filter({ hasText: 'ticket-5521.png' });
    await row.getByText('Delivery ticket').waitFor();
    await row.getByText('J. Whitaker').waitFor();
    await panel.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'console-invoice-document-uploaded.png'), fullPage: true });

    const stored = await db('item_documents').where({ dealer_id: dealer.id, invoice_id: invoice.id }).first('kind', 'ticket_number', 'delivered_on', 'signed_by', 'content_type', 'size_bytes');
    expect(stored).toEqual({ kind: 'delivery_ticket', ticket_number: '5521', delivered_on: '2026-11-03', signed_by: 'J. Whitaker', content_type: 'image/png', size_bytes: scan.length });
    const audit = await db('audit_events').where({ dealer_id: dealer.id, action: 'document.uploaded', actor_kind: 'operator', actor_id: clerk.id }).first('entity_id');
    expect(audit).toEqual({ entity_id: invoice.id });
  });
});
