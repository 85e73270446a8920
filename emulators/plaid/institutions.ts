/**
 * The test banks the stand-in Link page offers. Account numbers are what the Moov emulator
 * receives through the processor token, and some of them are the Moov emulator's magic
 * numbers (see docs/moov-emulator.md): `99000000NN` clears and is then returned with code
 * RNN; `98000000NN` is returned with RNN before it clears. That lets a demo show a return
 * without knowing any magic amount.
 */
export interface TestAccount {
  /** Stable within the institution; Plaid account ids are minted per item. */
  key: string;
  name: string;
  officialName: string;
  subtype: 'checking' | 'savings';
  accountNumber: string;
  /** Balances are Plaid's decimal dollars: display data only, never used for money maths. */
  available: number;
  current: number;
  /** Shown on the Link page so a demo picks the behaviour it wants. */
  behaviour: string;
}

/** What Plaid answers when Link cannot reach the bank: Link shows it and reports it to onEvent/onExit. */
export interface InstitutionFailure {
  errorType: 'INSTITUTION_ERROR';
  errorCode: 'INSTITUTION_DOWN' | 'INSTITUTION_NOT_RESPONDING';
  errorMessage: string;
  displayMessage: string;
}

export interface TestInstitution {
  institutionId: string;
  name: string;
  routingNumber: string;
  accounts: TestAccount[];
  /** Every link attempt at this bank fails so, as at a bank that is down. */
  failure?: InstitutionFailure;
}

export const TEST_INSTITUTIONS: readonly TestInstitution[] = [
  {
    institutionId: 'ins_dp_prairie',
    name: 'Prairie State Bank',
    routingNumber: '101000019',
    accounts: [
      { key: 'checking', name: 'Business Checking', officialName: 'Prairie Business Checking', subtype: 'checking', accountNumber: '4400112233440001', available: 250000, current: 251200, behaviour: 'ACH debits clear normally' },
      { key: 'savings', name: 'Business Savings', officialName: 'Prairie Business Savings', subtype: 'savings', accountNumber: '4400112233440002', available: 80000, current: 80000, behaviour: 'ACH debits clear normally' },
    ],
  },
  {
    institutionId: 'ins_dp_timberline',
    name: 'Timberline Credit Union',
    routingNumber: '102000021',
    accounts: [
      { key: 'checking', name: 'Operating Account', officialName: 'Timberline Operating Checking', subtype: 'checking', accountNumber: '7700200030004001', available: 54000, current: 54000, behaviour: 'ACH debits clear normally' },
    ],
  },
  {
    institutionId: 'ins_dp_returns',
    name: 'Returns Test Bank',
    routingNumber: '103000033',
    accounts: [
      { key: 'r01', name: 'Insufficient Funds Checking', officialName: 'Low Balance Checking', subtype: 'checking', accountNumber: '9900000001', available: 12, current: 12, behaviour: 'clears, then returned R01 (insufficient funds)' },
      { key: 'r02', name: 'Closed Account Checking', officialName: 'Closed Checking', subtype: 'checking', accountNumber: '9900000002', available: 0, current: 0, behaviour: 'clears, then returned R02 (account closed); Moov disables the bank account' },
      { key: 'r10', name: 'Disputed Debits Checking', officialName: 'Disputed Debits Checking', subtype: 'checking', accountNumber: '9900000010', available: 9000, current: 9000, behaviour: 'clears, then returned R10 (customer says not authorized); Moov disables the bank account' },
      { key: 'r03', name: 'Unknown Account Checking', officialName: 'Unknown Account Checking', subtype: 'checking', accountNumber: '9800000003', available: 0, current: 0, behaviour: 'returned R03 (no account) before it clears: the transfer fails' },
    ],
  },
  {
    institutionId: 'ins_dp_harbor_down',
    name: 'Harbor Savings Bank',
    routingNumber: '104000045',
    accounts: [
      { key: 'checking', name: 'Harbor Checking', officialName: 'Harbor Business Checking', subtype: 'checking', accountNumber: '5500600070008001', available: 30000, current: 30000, behaviour: 'the bank is down: linking fails with INSTITUTION_DOWN' },
    ],
    failure: {
      errorType: 'INSTITUTION_ERROR',
      errorCode: 'INSTITUTION_DOWN',
      errorMessage: 'this institution is not currently responding to this request. please try again soon',
      displayMessage: 'This financial institution is not currently responding to requests. We apologize for the inconvenience.',
    },
  },
];

export function findInstitution(institutionId: string): TestInstitution | undefined {
  return TEST_INSTITUTIONS.find((institution) => institution.institutionId === institutionId);
}
