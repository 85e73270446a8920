import { invoicesPerCustomer, openLoopSubmissions, shareOf, type PaymentPhases } from '../../bench/lib/payment-phases';

/**
 * The payments benchmark makes enough invoices for every phase: a full run once crashed in its
 * open loop (16 customers × 195 invoices against warm-up + 1,500 closed-loop + 1,500 open-loop payments).
 */
function simulate(phases: PaymentPhases): number[] {
  const used = Array.from({ length: phases.concurrency }, () => phases.warmUp);
  for (let c = 0; c < phases.concurrency; c++) used[c]! += shareOf(phases.payments, phases.concurrency, c);
  // The open loop hands submissions to customers in turn, as bench/payments.ts does.
  for (let i = 0; i < openLoopSubmissions(phases); i++) used[i % phases.concurrency]! += 1;
  return used;
}

describe('payments benchmark data sizing', () => {
  it.each([
    { concurrency: 16, payments: 1_500, rate: 100, rateSeconds: 15, warmUp: 5 },
    { concurrency: 16, payments: 200, rate: 100, rateSeconds: 3, warmUp: 5 },
    { concurrency: 7, payments: 1_001, rate: 33, rateSeconds: 13, warmUp: 2 },
    { concurrency: 3, payments: 1, rate: 1, rateSeconds: 1, warmUp: 0 },
  ])('covers warm-up, closed loop and open loop for every customer, with margin: %o', (phases) => {
    const perCustomer = invoicesPerCustomer(phases);
    const used = simulate(phases);
    expect(used.reduce((sum, n) => sum + n, 0)).toBe(phases.concurrency * phases.warmUp + phases.payments + openLoopSubmissions(phases));
    for (const n of used) expect(perCustomer - n).toBeGreaterThanOrEqual(Math.max(5, Math.ceil(n * 0.1)));
  });

  it('gives the full run more than the 195 invoices per customer that ran out', () => {
    expect(invoicesPerCustomer({ concurrency: 16, payments: 1_500, rate: 100, rateSeconds: 15, warmUp: 5 })).toBeGreaterThan(195);
  });
});
