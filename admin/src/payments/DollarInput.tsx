import { InputAdornment, TextField } from '@mui/material';
import { useEffect, useState } from 'react';
import { useInput } from 'react-admin';
import { centsToDecimal, parseAmount } from '../../../domain/money';

/** What the box holds: whole cents, nothing (empty), or text that is not an amount (null). */
export type DollarValue = number | undefined | null;

export interface DollarFieldProps {
  label: string;
  /** The amount the box should show; null while the text typed is not an amount. */
  cents: DollarValue;
  onChange: (value: DollarValue) => void;
  onBlur?: () => void;
  /** A message of the caller's about this amount (a limit the API named); wins over the hint. */
  error?: string | null;
  hint?: string;
  width?: number;
  /** The name a screen reader (and a test) finds the box by, when the visible label is shorter. */
  ariaLabel?: string;
}

/**
 * An amount typed in dollars ("1,250.5") turned into integer cents by parsing the text, never
 * through a float. The text is kept as typed so "12." is not rewritten mid-keystroke; the
 * value changes only when the text is a whole amount, and clearing the box clears it.
 */
export function DollarField({ label, cents, onChange, onBlur, error, hint, width = 115, ariaLabel = label }: DollarFieldProps) {
  const [text, setText] = useState(typeof cents === 'number' ? centsToDecimal(cents) : '');
  const invalid = text.trim() !== '' && !isAmount(safeParse(text));

  // A reset from outside (filters cleared, a link with other filters) replaces the text.
  useEffect(() => {
    setText((current) => {
      const shown = safeParse(current);
      return (isAmount(shown) ? shown : undefined) === (typeof cents === 'number' ? cents : undefined) ? current : typeof cents === 'number' ? centsToDecimal(cents) : '';
    });
  }, [cents]);

  return (
    <TextField
      label={label}
      size="small"
      sx={{ width }}
      value={text}
      error={invalid || Boolean(error)}
      helperText={invalid ? 'e.g. 1250.00' : error || hint}
      inputMode="decimal"
      slotProps={{ input: { startAdornment: <InputAdornment position="start">$</InputAdornment> }, htmlInput: { 'aria-label': ariaLabel } }}
      onChange={(event) => {
        const next = event.target.value;
        setText(next);
        const parsed = safeParse(next);
        onChange(next.trim() === '' ? undefined : isAmount(parsed) ? parsed : null);
      }}
      onBlur={onBlur}
    />
  );
}

/** DollarField bound to a react-admin form field (a filter): text that is not an amount leaves the value as it was. */
export function DollarInput({ source, label, alwaysOn: _alwaysOn }: { source: string; label: string; alwaysOn?: boolean }) {
  const { field } = useInput({ source, defaultValue: undefined });
  return (
    <DollarField
      label={label}
      cents={typeof field.value === 'number' ? field.value : undefined}
      onChange={(value) => {
        if (value !== null) field.onChange(value);
      }}
      onBlur={field.onBlur}
    />
  );
}

const isAmount = (cents: number | null): cents is number => cents !== null && cents >= 0;

function safeParse(text: string): number | null {
  if (text.trim() === '') return null;
  try {
    return parseAmount(text);
  } catch {
    return null;
  }
}
