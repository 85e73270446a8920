/**
 * The portal's bank link over HTTP, as the browser does it: a link token from our API, the
 * Plaid Link page's answer (the Plaid emulator's /link/complete), then the exchange, which
 * saves the account as a payment method. `post` is the signed-in customer's POST to our API.
 */
export async function linkBankAsPortal(post: (path: string, body?: unknown) => Promise<Record<string, any>>, plaidUrl: string, selection = 'ins_dp_prairie:checking'): Promise<string> {
  const { linkToken } = await post('/api/portal/payment-methods/plaid/link-token');
  const linked = await fetch(`${plaidUrl}/link/complete`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ link_token: linkToken, selection }) });
  if (!linked.ok) throw new Error(`Plaid link: HTTP ${linked.status} ${await linked.text()}`);
  const link = (await linked.json()) as { public_token: string; metadata: { accounts: Array<{ id: string }> } };
  return (await post('/api/portal/payment-methods/plaid/exchange', { publicToken: link.public_token, accountId: link.metadata.accounts[0]!.id })).id as string;
}
