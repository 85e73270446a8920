import { Alert, Stack, Typography } from '@mui/material';
import {
  AutocompleteArrayInput,
  AutocompleteInput,
  BooleanInput,
  Edit,
  NumberInput,
  RadioButtonGroupInput,
  SaveButton,
  SimpleForm,
  TextInput,
  Toolbar,
  required,
  usePermissions,
} from 'react-admin';
import { BasisPointsInput, CentsInput } from '../common/inputs';

const US_STATES = 'AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY PR VI GU AS MP'
  .split(' ')
  .map((code) => ({ id: code, name: code }));

const TIME_ZONES = (typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : ['America/New_York', 'America/Chicago', 'America/Denver', 'America/Los_Angeles'])
  .filter((zone) => zone.startsWith('America/') || zone.startsWith('Pacific/') || zone === 'UTC')
  .map((zone) => ({ id: zone, name: zone.replace(/_/g, ' ') }));

function SettingsToolbar() {
  return (
    <Toolbar>
      <SaveButton label="Save configuration" />
    </Toolbar>
  );
}

/** Company configuration; every operator can read it, only admins can change it (the API enforces that too). */
export function DealerSettingsForm() {
  const { permissions } = usePermissions();
  const isAdmin = permissions === 'admin';
  return (
    <Edit resource="settings" id="dealer" redirect={false} mutationMode="pessimistic" title="Settings" actions={false} sx={{ '& .RaEdit-main': { mt: 0 } }}>
      <SimpleForm toolbar={isAdmin ? <SettingsToolbar /> : false} disabled={!isAdmin} sx={{ maxWidth: 900 }}>
        {!isAdmin ? <Alert severity="info">Only an admin can change the company configuration.</Alert> : null}
        <Typography variant="subtitle2">Company</Typography>
        <Stack direction="row" spacing={2} sx={{ width: '100%' }}>
          <TextInput source="name" label="Company name" validate={required()} />
          <AutocompleteInput source="time_zone" label="Time zone (dates and cutoffs)" choices={TIME_ZONES} validate={required()} />
          <TextInput source="settlement_cutoff" label="Settlement cutoff (HH:MM)" helperText="Local time the day's settlement closes" validate={required()} />
        </Stack>
        <Typography variant="subtitle2" sx={{ mt: 1 }}>
          Fees
        </Typography>
        <RadioButtonGroupInput source="fee_payer" label="Who pays processing fees" choices={[{ id: 'customer', name: 'The customer (added at checkout)' }, { id: 'dealer', name: 'The dealer (absorbed)' }]} />
        <Stack direction="row" spacing={2} sx={{ width: '100%' }}>
          <CentsInput source="ach_fee_cents" label="ACH fee per payment" />
          <BasisPointsInput source="card_credit_rate_bps" label="Credit card rate" />
          <BasisPointsInput source="card_debit_rate_bps" label="Debit card rate" />
          <CentsInput source="card_flat_fee_cents" label="Card flat fee" />
        </Stack>
        <CentsInput
          source="returned_payment_fee_cents"
          label="Returned payment fee"
          helperText="Added to the customer's account when a bank payment is returned (any return code). 0 = off; at most $500."
          sx={{ width: 420 }}
        />
        <AutocompleteArrayInput source="surcharge_forbidden_states" label="States where card surcharges are not allowed" choices={US_STATES} />
        <Typography variant="subtitle2" sx={{ mt: 1 }}>
          Payments
        </Typography>
        <Stack direction="row" spacing={4}>
          <BooleanInput source="allow_partial_payments" label="Customers may pay part of an invoice" />
          <BooleanInput source="allow_overpayment" label="Customers may pay more than they owe (kept as unapplied credit)" />
          <BooleanInput source="bills_by_statement" label="Bills by monthly statement" />
        </Stack>
        <NumberInput
          source="terms_discount_grace_days"
          label="Grace days for invoice terms discounts"
          helperText="Days after an invoice's discount date that paying it in full still earns its discount (0 to 10)"
          min={0}
          max={10}
          step={1}
          sx={{ maxWidth: 420 }}
        />
        <Typography variant="subtitle2" sx={{ mt: 1 }}>
          Credit holds
        </Typography>
        <TextInput
          source="branch_notification_email"
          label="Branch notification email"
          type="email"
          helperText="Told within seconds when a payment lifts a customer's credit hold, with the payment number. Empty: the company's admins."
          sx={{ width: 420 }}
        />
      </SimpleForm>
    </Edit>
  );
}
