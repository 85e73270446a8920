import { aftermathFor } from './aftermath';

/**
 * What the chaos run pays: N payments, one invoice each, spread over customers, with a mix
 * of outcomes chosen through the Moov emulator's magic amounts (docs/moov-emulator.md) so the
 * run knows each payment's proper end without asking the product.
 */
export type Scenario = 'ach_cleared' | 'card_cleared' | 'ach_returned_early' | 'ach_returned_late' | 'card_declined' | 'processing_error';

export interface PlannedPayment {
  index: number;
  customer: number;
  method: 'ach' | 'card';
  scenario: Scenario;
  amountCents: number;
  invoiceNumber: string;
  /** The Idempotency-Key every retry of this submission sends. */
  idempotencyKey: string;
}

/** Statuses the payment may properly end in. A late return whose clearing the workflow never saw (it was down the whole time) ends failed: the money never counted as ours. */
export const EXPECTED_STATUSES: Record<Scenario, string[]> = {
  ach_cleared: ['settled'],
  card_cleared: ['settled'],
  ach_returned_early: ['failed'],
  ach_returned_late: ['returned', 'failed'],
  card_declined: ['failed'],
  processing_error: ['failed'],
};

/** Moov's transfer status for each payment status at the end. */
export const EXPECTED_TRANSFER_STATUS: Record<string, string[]> = {
  settled: ['completed'],
  failed: ['failed', 'reversed'],
  returned: ['reversed'],
};

// Out of every 40 payments: 22 ACH and 10 card clear, 2 ACH returned before clearing, 3 after, 2 cards declined, 1 processing error.
const MIX: Array<[Scenario, number]> = [['ach_cleared', 22], ['card_cleared', 10], ['ach_returned_early', 2], ['ach_returned_late', 3], ['card_declined', 2], ['processing_error', 1]];

/** An ordinary amount, clear of the magic range 91.00–96.99. */
const ordinaryAmount = (index: number) => 10_000 + ((index * 7919) % 4_000_000);

function amountFor(scenario: Scenario, index: number): number {
  switch (scenario) {
    case 'ach_returned_early': return 91_01; // R01 before clearing
    case 'ach_returned_late': return 92_01; // clears, then R01
    case 'card_declined': return 94_01; // insufficient-funds
    case 'processing_error': return 95_00;
    default: return ordinaryAmount(index);
  }
}

export function planPayments(count: number, customers: number, runId: string): PlannedPayment[] {
  const wheel = MIX.flatMap(([scenario, weight]) => Array<Scenario>(weight).fill(scenario));
  return Array.from({ length: count }, (_, index) => {
    // A stride coprime with the wheel's length spreads the outcomes through the run.
    const scenario = wheel[(index * 7) % wheel.length]!;
    const method = scenario === 'card_cleared' || scenario === 'card_declined' || (scenario === 'processing_error' && index % 2 === 1) ? 'card' : 'ach';
    // A late consumer return makes Moov mark the bank account errored (as the real Moov does), so
    // those payments come from one customer of their own: nobody else's later debits and refunds
    // are refused because of them.
    const lateReturn = aftermathFor({ index, scenario }) === 'late_return';
    return {
      index,
      customer: lateReturn ? customers - 1 : index % Math.max(1, customers - 1),
      method,
      scenario,
      amountCents: amountFor(scenario, index),
      invoiceNumber: `CH-${runId}-${String(index + 1).padStart(5, '0')}`,
      idempotencyKey: `chaos-${runId}-${index + 1}`,
    };
  });
}
