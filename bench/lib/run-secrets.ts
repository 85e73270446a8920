import { randomBytes } from 'node:crypto';

/**
 * The secrets of the product processes a benchmark or chaos run starts. They run with
 * NODE_ENV=production, which refuses development defaults, so each run makes its own; the
 * emulators the run starts (payment-emulators.ts) are given the same Moov and Plaid
 * credentials.
 */
export const RUN_SECRETS = {
  DATA_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
  SPRUCE_WEBHOOK_SECRET: `spruce-run-${randomBytes(16).toString('hex')}`,
  MOOV_WEBHOOK_SECRET: `moov-webhook-run-${randomBytes(16).toString('hex')}`,
  MOOV_SECRET_KEY: `moov-run-${randomBytes(12).toString('hex')}`,
  PLAID_SECRET: `plaid-run-${randomBytes(12).toString('hex')}`,
} as const;
