/**
 * How many payments each customer of the payments benchmark submits in each phase, and so how
 * many open invoices it must be given: warm-up (`warmUp` each), the closed loop (`payments`
 * split over the customers) and the open loop (`rate × rateSeconds` submissions handed out in
 * turn). A full run once crashed in its open loop because a customer ran out of invoices.
 */
export interface PaymentPhases {
  concurrency: number;
  payments: number;
  rate: number;
  rateSeconds: number;
  warmUp: number;
}

/** Customer `index`'s part of `total` split over `customers`: the same as taking every customers-th item from `index` on. */
export function shareOf(total: number, customers: number, index: number): number {
  return Math.floor(total / customers) + (index < total % customers ? 1 : 0);
}

export function openLoopSubmissions(phases: PaymentPhases): number {
  return Math.round(phases.rate * phases.rateSeconds);
}

/** What customer `index` submits over all phases. */
export function submissionsOf(phases: PaymentPhases, index: number): number {
  return phases.warmUp + shareOf(phases.payments, phases.concurrency, index) + shareOf(openLoopSubmissions(phases), phases.concurrency, index);
}

/** Invoices to make per customer: the most any customer submits, plus 10% (at least 5) so a change to a phase does not run them out. */
export function invoicesPerCustomer(phases: PaymentPhases): number {
  const most = Math.max(...Array.from({ length: phases.concurrency }, (_, index) => submissionsOf(phases, index)));
  return most + Math.max(5, Math.ceil(most * 0.1));
}
