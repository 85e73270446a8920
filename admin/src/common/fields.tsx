import { Typography, type TypographyProps } from '@mui/material';
import { useRecordContext } from 'react-admin';
import { calendarDate, days, instant, money } from './format';

interface FieldProps {
  source: string;
  label?: string;
  sortable?: boolean;
  sx?: TypographyProps['sx'];
}

/** Reads `a.b.c` from the record in context. */
function useValue<T>(source: string): T | undefined {
  const record = useRecordContext();
  let value: unknown = record;
  for (const key of source.split('.')) value = value === null || value === undefined ? undefined : (value as Record<string, unknown>)[key];
  return value as T | undefined;
}

/** Integer cents from the API, shown as dollars with cents; zero is dimmed so balances stand out. */
export function MoneyField({ source, sx }: FieldProps) {
  const value = useValue<number | null>(source);
  const muted = value === 0;
  return (
    <Typography component="span" variant="body2" sx={{ fontSize: 'inherit', fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap', color: muted ? 'text.disabled' : undefined, ...sx }}>
      {money(value)}
    </Typography>
  );
}

/** A calendar date (due date, invoice date) exactly as the ERP gave it. */
export function CalendarDateField({ source, sx }: FieldProps) {
  const value = useValue<string | null>(source);
  return (
    <Typography component="span" variant="body2" sx={{ whiteSpace: 'nowrap', ...sx }}>
      {calendarDate(value)}
    </Typography>
  );
}

/** A moment in time, shown in the dealer's time zone. */
export function InstantField({ source, sx }: FieldProps) {
  const value = useValue<string | null>(source);
  return (
    <Typography component="span" variant="body2" sx={{ whiteSpace: 'nowrap', ...sx }}>
      {instant(value)}
    </Typography>
  );
}

export function DaysField({ source, sx }: FieldProps) {
  const value = useValue<number | null>(source);
  return (
    <Typography component="span" variant="body2" sx={{ fontSize: 'inherit', fontVariantNumeric: 'tabular-nums', color: value === 0 ? 'text.disabled' : undefined, ...sx }}>
      {days(value)}
    </Typography>
  );
}
