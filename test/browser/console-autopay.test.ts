import type { Browser } from 'playwright-core';
import path from 'node:path';
import { CURRENT_RECURRING_ACH_AUTHORIZATION_VERSION } from '../../domain/ach-authorization';
import { closeConsolePage, consoleAs, launchChromium, SCREENSHOTS, type ConsolePage } from '../support/browser';
import { eventually } from '../support/eventually';
import { createOperator } from '../support/operator';
import { payingCustomer, startPaymentStack, type PaymentStack } from '../support/payment-stack';

/**
 * The console's Autopay tab on a customer page in Debian's Chromium: the enrolment with its
 * rule, method and maximum, Suspend with a reason (audited), then Resume.
 */
jest.setTimeout(180_000);

describe('autopay on the console customer page', () => {
  let stack: PaymentStack;
  let browser: Browser;
  let opened: ConsolePage | undefined;

  beforeAll(async () => {
    stack = await startPaymentStack();
    browser = await launchChromium();
  });
  afterEach(async () => {
    await closeConsolePage(opened, expect.getState().currentTestName);
    opened = undefined;
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('lists the enrolment, suspends it with a reason and resumes it', async () => {
    const customer = await payingCustomer(stack);
    const enrolled = await customer.session.send('post', '/api/portal/autopay', {
      dealerId: stack.dealerId, customerAccountId: customer.accountId, paymentMethodId: customer.bankMethodId, rule: 'statement_due_date', maxAmountCents: 7_500_00,
      accountHolderType: 'consumer', achAuthorizationVersion: CURRENT_RECURRING_ACH_AUTHORIZATION_VERSION,
    }).expect(201);
    const clerk = await createOperator(stack.db, stack.dealerId, { role: 'ar_operator', name: 'Casey Clerk' });

    opened = await consoleAs(browser, stack.apiUrl, clerk.email);
    const { page } = opened;
    await page.goto(`${stack.apiUrl}/admin/#/customers/${customer.accountId}/show/autopay`);
    const table = page.getByTestId('customer-autopay');
    await table.getByText('each statement in full on its due date').waitFor();
    await table.getByText('$7,500.00').waitFor();
    await table.getByText('(consumer)').waitFor();
    await table.getByText('On', { exact: true }).waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'console-customer-autopay.png'), fullPage: true });

    await table.getByRole('button', { name: 'Suspend' }).click();
    const dialog = page.getByRole('dialog', { name: 'Suspend autopay?' });
    await dialog.getByLabel('Reason (required)').fill('Customer disputes the October statement');
    await dialog.getByRole('button', { name: 'Suspend autopay' }).click();
    await table.getByText('Suspended by the dealer').waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'console-customer-autopay-suspended.png'), fullPage: true });
    const audit = await stack.db('audit_events').where({ entity_type: 'autopay_enrolment', entity_id: enrolled.body.id, action: 'autopay.suspended' }).first('actor_kind', 'data');
    expect(audit).toMatchObject({ actor_kind: 'operator', data: expect.objectContaining({ reason: 'Customer disputes the October statement' }) });

    await table.getByRole('button', { name: 'Resume' }).click();
    await table.getByText('On', { exact: true }).waitFor();
    await eventually(async () => expect((await stack.db('autopay_enrolments').where({ id: enrolled.body.id }).first('status')).status).toBe('active'));
  });
});
