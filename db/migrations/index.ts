import type { Knex } from 'knex';
import * as tenancy from './001_tenancy';
import * as receivables from './002_receivables';
import * as portal from './003_portal';
import * as payments from './004_payments';
import * as settlements from './005_settlements';
import * as integration from './006_integration';
import * as paymentNumbers from './007_payment_numbers';
import * as ingestionFiles from './008_ingestion_files';
import * as glPosting from './009_gl_posting';
import * as paymentWorkflowStart from './010_payment_workflow_start';
import * as accountStatsReference from './011_account_stats_reference';
import * as spruceSync from './012_spruce_sync';
import * as ingestionFileTypeUnknown from './013_ingestion_file_type_unknown';
import * as customerDashboard from './014_customer_dashboard';
import * as creditAppliedToDebit from './015_credit_applied_to_debit';
import * as accountStatsLiveOnly from './016_account_stats_live_only';
import * as webhookEventSequences from './017_webhook_event_sequences';
import * as dropOpenInvoiceIndex from './018_drop_open_invoice_index';
import * as webhookNonces from './019_webhook_nonces';
import * as dropRedundantDealerKeys from './020_drop_redundant_dealer_keys';
import * as dashboardInvitationAndTotals from './021_dashboard_invitation_and_totals';
import * as paymentFailureDecisions from './022_payment_failure_decisions';
import * as syncDrainLease from './023_sync_drain_lease';
import * as ingestionFileEncoding from './024_ingestion_file_encoding';
import * as settlementSequence from './026_settlement_sequence';
import * as achAuthorization from './027_ach_authorization';
import * as emailOutboxRelay from './028_email_outbox_relay';
import * as moneyAfterSettlement from './029_money_after_settlement';
import * as emailDeliveryAnswer from './030_email_delivery_answer';
import * as reversalLinesPerReversal from './031_reversal_lines_per_reversal';
import * as returnedPaymentFee from './032_returned_payment_fee';
import * as publicApi from './033_public_api';
import * as ingestionThroughApi from './034_ingestion_through_api';
import * as rateLimitWindows from './035_rate_limit_windows';
import * as refundRequestId from './036_refund_request_id';
import * as outgoingWebhooks from './037_outgoing_webhooks';
import * as platformActor from './038_platform_actor';
import * as paymentReminders from './040_payment_reminders';
import * as creditHolds from './041_credit_holds';
import * as plaidItems from './045_plaid_items';
import * as transferRechecks from './046_transfer_rechecks';
import * as lienWaivers from './047_lien_waivers';
import * as shortPays from './048_short_pays';
import * as termsDiscounts from './049_terms_discounts';
import * as itemDocuments from './050_item_documents';
import * as jobLienDeadlines from './051_job_lien_deadlines';
import * as scheduledPayments from './052_scheduled_payments';
import * as autopay from './053_autopay';
import * as unappliedCredit from './054_unapplied_credit';
import * as companyRoles from './055_company_roles';
import * as accountStatsStatus from './056_account_stats_status';
import * as scheduledApprovals from './057_scheduled_approvals';

/**
 * Migrations are listed explicitly rather than discovered from the file system, so they run
 * identically under tsx, jest and a bundled build.
 */
const migrations: Record<string, Knex.Migration> = {
  '001_tenancy': tenancy,
  '002_receivables': receivables,
  '003_portal': portal,
  '004_payments': payments,
  '005_settlements': settlements,
  '006_integration': integration,
  '007_payment_numbers': paymentNumbers,
  '008_ingestion_files': ingestionFiles,
  '009_gl_posting': glPosting,
  '010_payment_workflow_start': paymentWorkflowStart,
  '011_account_stats_reference': accountStatsReference,
  '012_spruce_sync': spruceSync,
  '013_ingestion_file_type_unknown': ingestionFileTypeUnknown,
  '014_customer_dashboard': customerDashboard,
  '015_credit_applied_to_debit': creditAppliedToDebit,
  '016_account_stats_live_only': accountStatsLiveOnly,
  '017_webhook_event_sequences': webhookEventSequences,
  '018_drop_open_invoice_index': dropOpenInvoiceIndex,
  '019_webhook_nonces': webhookNonces,
  '020_drop_redundant_dealer_keys': dropRedundantDealerKeys,
  '021_dashboard_invitation_and_totals': dashboardInvitationAndTotals,
  '022_payment_failure_decisions': paymentFailureDecisions,
  '023_sync_drain_lease': syncDrainLease,
  '024_ingestion_file_encoding': ingestionFileEncoding,
  '026_settlement_sequence': settlementSequence,
  '027_ach_authorization': achAuthorization,
  '028_email_outbox_relay': emailOutboxRelay,
  '029_money_after_settlement': moneyAfterSettlement,
  '030_email_delivery_answer': emailDeliveryAnswer,
  '031_reversal_lines_per_reversal': reversalLinesPerReversal,
  '032_returned_payment_fee': returnedPaymentFee,
  '033_public_api': publicApi,
  '034_ingestion_through_api': ingestionThroughApi,
  '035_rate_limit_windows': rateLimitWindows,
  '036_refund_request_id': refundRequestId,
  '037_outgoing_webhooks': outgoingWebhooks,
  '038_platform_actor': platformActor,
  '040_payment_reminders': paymentReminders,
  '041_credit_holds': creditHolds,
  '045_plaid_items': plaidItems,
  '046_transfer_rechecks': transferRechecks,
  '047_lien_waivers': lienWaivers,
  '048_short_pays': shortPays,
  '049_terms_discounts': termsDiscounts,
  '050_item_documents': itemDocuments,
  '051_job_lien_deadlines': jobLienDeadlines,
  '052_scheduled_payments': scheduledPayments,
  '053_autopay': autopay,
  '054_unapplied_credit': unappliedCredit,
  '055_company_roles': companyRoles,
  '056_account_stats_status': accountStatsStatus,
  '057_scheduled_approvals': scheduledApprovals,
};

export const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: async () => Object.keys(migrations).sort(),
  getMigrationName: (name) => name,
  getMigration: async (name) => {
    const migration = migrations[name];
    if (!migration) throw new Error(`Unknown migration ${name}`);
    return migration;
  },
};
