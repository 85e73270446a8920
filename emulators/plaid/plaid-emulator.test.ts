import { Configuration, PlaidApi, Products } from 'plaid';
import { PlaidClient, PlaidIntegrationError } from '../../integrations/plaid';
import { completePlaidLink } from '../../test/support/payment-emulators';
import { startPlaidEmulator, type PlaidEmulator } from '.';

describe('Plaid emulator through the plaid SDK', () => {
  let plaid: PlaidEmulator;
  let client: PlaidClient;

  beforeAll(async () => {
    plaid = await startPlaidEmulator({ port: 0 });
    client = new PlaidClient({ url: plaid.url, clientId: 'plaid-dev-client', secret: 'plaid-dev-secret' });
  });
  afterAll(async () => {
    await plaid.stop();
  });

  const rejection = async (promise: Promise<unknown>): Promise<PlaidIntegrationError> => {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PlaidIntegrationError);
    return error as PlaidIntegrationError;
  };

  it('links one chosen account through the Link page, then exchanges and describes it', async () => {
    const link = await client.createLinkToken({ clientUserId: 'user-1', clientName: 'Northwind Lumber', hostedLink: true });
    expect(link.linkToken).toMatch(/^link-sandbox-/);
    expect(link.linkUrl).toBe(plaid.linkUrl(link.linkToken));

    const page = await fetch(link.linkUrl!);
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toContain('Northwind Lumber');
    expect(html).toContain('Returns Test Bank');
    expect(html).toContain('ins_dp_returns:r02');

    const { publicToken, accountId } = await completePlaidLink(plaid, link.linkToken, 'ins_dp_returns', 'r02');
    const { accessToken, itemId } = await client.exchangePublicToken(publicToken);
    const item = await client.getAccounts(accessToken);
    expect(item).toMatchObject({ itemId, institutionId: 'ins_dp_returns', institutionName: 'Returns Test Bank' });
    expect(item.accounts).toEqual([{ accountId, name: 'Closed Account Checking', officialName: 'Closed Checking', mask: '0002', subtype: 'checking' }]);

    const processorToken = await client.createMoovProcessorToken(accessToken, accountId);
    expect(processorToken).toMatch(/^processor-sandbox-/);
  });

  it('sends a plain form post on to the redirect URI with the public token', async () => {
    const sdk = new PlaidApi(new Configuration({ basePath: plaid.url, baseOptions: { headers: { 'PLAID-CLIENT-ID': 'plaid-dev-client', 'PLAID-SECRET': 'plaid-dev-secret' } } }));
    const created = await sdk.linkTokenCreate({
      client_name: 'Drypowder',
      language: 'en',
      country_codes: ['US' as never],
      user: { client_user_id: 'user-2' },
      redirect_uri: 'http://portal.test/bank-linked',
    });
    expect(created.data.hosted_link_url).toBeUndefined();
    const response = await fetch(`${plaid.url}/link/complete`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ link_token: created.data.link_token, selection: 'ins_dp_prairie:checking' }),
      redirect: 'manual',
    });
    expect(response.status).toBe(303);
    const target = new URL(response.headers.get('location')!);
    expect(target.origin + target.pathname).toBe('http://portal.test/bank-linked');
    expect(target.searchParams.get('status')).toBe('success');
    const publicToken = target.searchParams.get('public_token')!;

    const session = await sdk.linkTokenGet({ link_token: created.data.link_token });
    expect(session.data.link_sessions?.[0]?.results?.item_add_results?.[0]?.public_token).toBe(publicToken);

    const exchanged = await sdk.itemPublicTokenExchange({ public_token: publicToken });
    const accounts = await sdk.accountsGet({ access_token: exchanged.data.access_token });
    expect(accounts.data.accounts.map((a) => a.account_id)).toEqual([target.searchParams.get('account_id')]);
  });

  it('treats public tokens as single use', async () => {
    const publicToken = await client.sandboxPublicToken('ins_dp_timberline');
    await client.exchangePublicToken(publicToken);
    const error = await rejection(client.exchangePublicToken(publicToken));
    expect(error).toMatchObject({ code: 'INVALID_PUBLIC_TOKEN', type: 'INVALID_INPUT', status: 400, retryable: false });
  });

  it('refuses wrong API keys, unknown tokens and processors other than Moov', async () => {
    const wrong = new PlaidClient({ url: plaid.url, clientId: 'plaid-dev-client', secret: 'nope' });
    expect(await rejection(wrong.sandboxPublicToken('ins_dp_prairie'))).toMatchObject({ code: 'INVALID_API_KEYS', retryable: false });
    expect(await rejection(client.getAccounts('access-sandbox-unknown'))).toMatchObject({ code: 'INVALID_ACCESS_TOKEN' });

    const sdk = new PlaidApi(new Configuration({ basePath: plaid.url, baseOptions: { headers: { 'PLAID-CLIENT-ID': 'plaid-dev-client', 'PLAID-SECRET': 'plaid-dev-secret' } } }));
    const publicToken = (await sdk.sandboxPublicTokenCreate({ institution_id: 'ins_dp_prairie', initial_products: [Products.Auth] })).data.public_token;
    const accessToken = (await sdk.itemPublicTokenExchange({ public_token: publicToken })).data.access_token;
    const accountId = (await sdk.accountsGet({ access_token: accessToken })).data.accounts[0]!.account_id;
    const dwolla = sdk.processorTokenCreate({ access_token: accessToken, account_id: accountId, processor: 'dwolla' as never });
    await expect(dwolla).rejects.toMatchObject({ response: { status: 400, data: { error_code: 'INVALID_FIELD' } } });
  });

  it('gives account and routing numbers only to the processor, with its own credentials', async () => {
    const publicToken = await client.sandboxPublicToken('ins_dp_prairie');
    const { accessToken } = await client.exchangePublicToken(publicToken);
    const { accounts } = await client.getAccounts(accessToken);
    const processorToken = await client.createMoovProcessorToken(accessToken, accounts[1]!.accountId);

    const redeem = (clientId: string, secret: string) =>
      fetch(`${plaid.url}/processor/auth/get`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ client_id: clientId, secret, processor_token: processorToken }),
      });
    const asApp = await redeem('plaid-dev-client', 'plaid-dev-secret');
    expect(asApp.status).toBe(400);
    const asMoov = await redeem('moov-processor', 'moov-processor-secret');
    const body = (await asMoov.json()) as { numbers: { ach: { account: string; routing: string } }; account: { subtype: string } };
    expect(body.numbers.ach).toMatchObject({ account: '4400112233440002', routing: '101000019' });
    expect(body.account.subtype).toBe('savings');
  });
});
