import simpleRestProvider from 'ra-data-simple-rest';
import type { DataProvider } from 'react-admin';
import { customerMethods } from './customers/customersApi';
import { dashboardMethods } from './dashboard/dashboardApi';
import { httpClient } from './httpClient';
import { integrationMethods } from './integration/integrationApi';
import { paymentMethods } from './payments/paymentsApi';
import { API_URL } from './session';
import { settingsMethods } from './settings/settingsApi';
import { settlementMethods } from './settlements/settlementsApi';
import { shortPayMethods } from './short-pays/shortPaysApi';

export type { CustomerSummary, InviteAnswer, InviteOutcome } from './customers/customersApi';
export { listQueryString } from './listQuery';

/**
 * The operator API speaks ra-data-simple-rest (`/api/operator`). Calls that are not plain
 * resources live with their area (`<area>/<area>Api.ts` exporting `<area>Methods`) and are
 * spread in here, one line each; components reach them with `useDataProvider<OperatorDataProvider>()`.
 */
export const dataProvider = {
  ...simpleRestProvider(API_URL, httpClient),
  ...customerMethods,
  ...settingsMethods,
  ...paymentMethods,
  ...settlementMethods,
  ...shortPayMethods,
  ...integrationMethods,
  ...dashboardMethods,
} satisfies DataProvider;

export type OperatorDataProvider = typeof dataProvider;
