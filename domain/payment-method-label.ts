/**
 * How a saved payment method reads to a person: the bank (or the card brand and funding) and
 * the last four digits. The payment history, the receipt and the ACH authorization wording all
 * name the method this way, so a customer recognises it in each.
 */
export interface PaymentMethodFacts {
  kind: string;
  label: string | null;
  last4: string;
  bank_name: string | null;
  card_brand: string | null;
  card_funding: string | null;
}

export function methodLabel(row: PaymentMethodFacts): string {
  if (row.kind === 'ach') return `${row.bank_name ?? row.label ?? 'Bank account'} ····${row.last4}`;
  const funding = row.card_funding && row.card_funding !== 'unknown' ? ` ${row.card_funding}` : '';
  return `${row.card_brand ?? 'Card'}${funding} ····${row.last4}`;
}
