import { MOOV_DROPS_SCRIPT_PATH, PLAID_LINK_SCRIPT_PATH } from '../integrations/browser-scripts';
import type { Config } from '../runtime/config';

/**
 * What the portal loads from the processors, and so what its Content-Security-Policy allows:
 * Moov's Drops script (the card-link element and its frame) and Plaid Link's script (and its
 * frame), plus the two APIs those frames and scripts call. Nothing else from outside 'self'.
 */
export interface ProviderBrowserSetup {
  moovDropsScriptUrl: string;
  plaidLinkScriptUrl: string;
}

type ProviderConfig = Pick<Config, 'MOOV_URL' | 'MOOV_BROWSER_URL' | 'PLAID_URL' | 'PLAID_BROWSER_URL' | 'MOOV_DROPS_SCRIPT_URL' | 'PLAID_LINK_SCRIPT_URL'>;

const trimmed = (url: string) => url.replace(/\/$/, '');
const moovBrowserUrl = (config: ProviderConfig) => trimmed(config.MOOV_BROWSER_URL ?? config.MOOV_URL);
const plaidBrowserUrl = (config: ProviderConfig) => trimmed(config.PLAID_BROWSER_URL ?? config.PLAID_URL);

export function providerBrowserSetup(config: ProviderConfig): ProviderBrowserSetup {
  return {
    moovDropsScriptUrl: config.MOOV_DROPS_SCRIPT_URL ?? `${moovBrowserUrl(config)}${MOOV_DROPS_SCRIPT_PATH}`,
    plaidLinkScriptUrl: config.PLAID_LINK_SCRIPT_URL ?? `${plaidBrowserUrl(config)}${PLAID_LINK_SCRIPT_PATH}`,
  };
}

const originOf = (url: string) => new URL(url).origin;
const distinct = (values: string[]) => [...new Set(values)];

/** helmet's directive lists: 'self' plus exactly the providers' origins, each where it is needed. */
export function contentSecurityDirectives(config: ProviderConfig): Record<string, string[]> {
  const scripts = providerBrowserSetup(config);
  const scriptOrigins = distinct([originOf(scripts.moovDropsScriptUrl), originOf(scripts.plaidLinkScriptUrl)]);
  return {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'", ...scriptOrigins],
    // Both scripts draw their forms in frames of their own origin, so the card number and bank
    // credentials are typed into the processor's page, never ours.
    frameSrc: scriptOrigins,
    connectSrc: distinct(["'self'", originOf(moovBrowserUrl(config)), originOf(plaidBrowserUrl(config))]),
    imgSrc: ["'self'", 'data:'],
    styleSrc: ["'self'", "'unsafe-inline'"],
    fontSrc: ["'self'", 'data:'],
    objectSrc: ["'none'"],
    baseUri: ["'self'"],
    formAction: ["'self'"],
    frameAncestors: ["'self'"],
  };
}

/** Where Plaid sends the webhooks of items we link (docs/plaid-webhooks.md). */
export const plaidWebhookUrl = (config: Pick<Config, 'PLAID_WEBHOOK_URL' | 'PUBLIC_URL'>) => config.PLAID_WEBHOOK_URL ?? `${trimmed(config.PUBLIC_URL)}/webhooks/plaid`;
