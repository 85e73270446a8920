import { loadProviderScript } from './provider-script';

/**
 * Plaid Link through Plaid's own script: `Plaid.create({ token, onSuccess, onExit, onEvent })`
 * then `open()`. Bank credentials are typed into Plaid's frame; this page learns a public
 * token and the chosen account's id. Works for a first link and for update mode (re-linking an
 * item whose login expired), which differ only in the link token the server issued.
 */
export interface PlaidLinkError {
  error_type: string;
  error_code: string;
  error_message: string;
  display_message: string | null;
}

interface PlaidMetadata {
  accounts?: Array<{ id?: string }>;
  account_id?: string;
  institution?: { institution_id?: string; name?: string } | null;
}

interface PlaidHandler {
  open(): void;
  exit(options?: { force?: boolean }): void;
  destroy(): void;
}

interface PlaidApi {
  create(config: {
    token: string;
    onSuccess: (publicToken: string, metadata: PlaidMetadata) => void;
    onExit: (error: PlaidLinkError | null, metadata: PlaidMetadata) => void;
    onEvent?: (eventName: string, metadata: Record<string, unknown>) => void;
  }): PlaidHandler;
}

declare global {
  interface Window {
    Plaid?: PlaidApi;
  }
}

/** The person left Link: cancelled, or gave up after the bank could not be reached (`linkError`). */
export class LinkExited extends Error {
  constructor(readonly linkError: PlaidLinkError | null) {
    super(
      linkError
        ? `Your bank could not be linked: ${linkError.display_message ?? linkError.error_message} Try again later, or choose another bank.`
        : 'Bank linking was cancelled.',
    );
  }
}

export interface LinkResult {
  publicToken: string;
  accountId: string | null;
  institutionName: string | null;
}

export async function openPlaidLink(scriptUrl: string, token: string): Promise<LinkResult> {
  await loadProviderScript(scriptUrl);
  const plaid = window.Plaid;
  if (!plaid) throw new Error('Bank linking could not start. Reload the page and try again.');
  return new Promise((resolve, reject) => {
    const handler = plaid.create({
      token,
      onSuccess: (publicToken, metadata) => {
        handler.destroy();
        resolve({ publicToken, accountId: metadata.accounts?.[0]?.id ?? metadata.account_id ?? null, institutionName: metadata.institution?.name ?? null });
      },
      onExit: (error) => {
        handler.destroy();
        reject(new LinkExited(error));
      },
    });
    handler.open();
  });
}
