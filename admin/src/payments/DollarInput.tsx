import { InputAdornment, TextField } from '@mui/material';
import { useEffect, useState } from 'react';
import { useInput } from 'react-admin';
import { centsToDecimal, parseAmount } from '../../../domain/money';

/**
 * An amount typed in dollars ("1,250.5") held as integer cents in the form. The text is kept
 * as typed so "12." is not rewritten mid-keystroke; the value changes only when the text is
 * a whole amount, and clearing the box clears the value.
 */
export function DollarInput({ source, label, alwaysOn: _alwaysOn }: { source: string; label: string; alwaysOn?: boolean }) {
  const { field } = useInput({ source, defaultValue: undefined });
  const cents = typeof field.value === 'number' ? field.value : null;
  const [text, setText] = useState(cents === null ? '' : centsToDecimal(cents));
  const [invalid, setInvalid] = useState(false);

  // A reset from outside (filters cleared, a link with other filters) replaces the text.
  useEffect(() => {
    setText((current) => {
      const shown = safeParse(current);
      return shown === cents ? current : cents === null ? '' : centsToDecimal(cents);
    });
  }, [cents]);

  return (
    <TextField
      label={label}
      size="small"
      sx={{ width: 115 }}
      value={text}
      error={invalid}
      helperText={invalid ? 'e.g. 1250.00' : undefined}
      inputMode="decimal"
      slotProps={{ input: { startAdornment: <InputAdornment position="start">$</InputAdornment> }, htmlInput: { 'aria-label': label } }}
      onChange={(event) => {
        const next = event.target.value;
        setText(next);
        if (next.trim() === '') {
          setInvalid(false);
          field.onChange(undefined);
          return;
        }
        const parsed = safeParse(next);
        setInvalid(parsed === null || parsed < 0);
        if (parsed !== null && parsed >= 0) field.onChange(parsed);
      }}
      onBlur={field.onBlur}
    />
  );
}

function safeParse(text: string): number | null {
  if (text.trim() === '') return null;
  try {
    return parseAmount(text);
  } catch {
    return null;
  }
}
