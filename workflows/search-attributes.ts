import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Custom search attributes on every payment workflow, so an engineer can filter in the
 * Temporal UI by what an operator reads out on the phone:
 * `CustomerAccount = "C10120" AND PaymentNumber = "P-100035"`. Registered with the dev server
 * at start-up (scripts/dev.ts), by the test harness and by docker-compose.yml's setup step.
 */
export const DealerId = defineSearchAttributeKey('DealerId', SearchAttributeType.KEYWORD);
/** The customer account number the dealer uses (`customer_accounts.erp_account_id`), not our id. */
export const CustomerAccount = defineSearchAttributeKey('CustomerAccount', SearchAttributeType.KEYWORD);
/** The payment number customers and operators see (`P-100035`); the workflow id stays `payment-<uuid>`. */
export const PaymentNumber = defineSearchAttributeKey('PaymentNumber', SearchAttributeType.KEYWORD);
export const PaymentStatus = defineSearchAttributeKey('PaymentStatus', SearchAttributeType.KEYWORD);
export const PaymentMethod = defineSearchAttributeKey('PaymentMethod', SearchAttributeType.KEYWORD);
export const AmountCents = defineSearchAttributeKey('AmountCents', SearchAttributeType.INT);

export const allSearchAttributes = [DealerId, CustomerAccount, PaymentNumber, PaymentStatus, PaymentMethod, AmountCents];

/** `--search-attribute Name=Type` arguments for `temporal server start-dev`. */
export function devServerSearchAttributeArgs(): string[] {
  const cliType: Record<string, string> = { KEYWORD: 'Keyword', INT: 'Int', TEXT: 'Text', BOOL: 'Bool', DOUBLE: 'Double', DATETIME: 'Datetime', KEYWORD_LIST: 'KeywordList' };
  return allSearchAttributes.flatMap((key) => ['--search-attribute', `${key.name}=${cliType[key.type] ?? 'Keyword'}`]);
}
