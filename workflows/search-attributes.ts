import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Custom search attributes on every payment workflow, so an engineer can filter in the
 * Temporal UI (e.g. `PaymentStatus = "pending" AND DealerId = "..."`). Registered with
 * the dev server at start-up and by the test harness.
 */
export const DealerId = defineSearchAttributeKey('DealerId', SearchAttributeType.KEYWORD);
export const CustomerAccount = defineSearchAttributeKey('CustomerAccount', SearchAttributeType.KEYWORD);
export const PaymentStatus = defineSearchAttributeKey('PaymentStatus', SearchAttributeType.KEYWORD);
export const PaymentMethod = defineSearchAttributeKey('PaymentMethod', SearchAttributeType.KEYWORD);
export const AmountCents = defineSearchAttributeKey('AmountCents', SearchAttributeType.INT);

export const allSearchAttributes = [DealerId, CustomerAccount, PaymentStatus, PaymentMethod, AmountCents];

/** `--search-attribute Name=Type` arguments for `temporal server start-dev`. */
export function devServerSearchAttributeArgs(): string[] {
  const cliType: Record<string, string> = { KEYWORD: 'Keyword', INT: 'Int', TEXT: 'Text', BOOL: 'Bool', DOUBLE: 'Double', DATETIME: 'Datetime', KEYWORD_LIST: 'KeywordList' };
  return allSearchAttributes.flatMap((key) => ['--search-attribute', `${key.name}=${cliType[key.type] ?? 'Keyword'}`]);
}
