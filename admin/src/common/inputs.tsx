import { TextInput, type TextInputProps } from 'react-admin';
import { centsToDecimal, parseAmount } from '../../../domain/money';

/**
 * Money typed in dollars ("1.50", "$1,250.00") and stored as integer cents. The text is
 * parsed by the same rule the API uses, never through a float.
 */
export function CentsInput(props: Omit<TextInputProps, 'format' | 'parse'>) {
  return (
    <TextInput
      {...props}
      format={(value: unknown) => (typeof value === 'number' ? centsToDecimal(value) : ((value as string | undefined) ?? ''))}
      parse={(text: string) => {
        try {
          return parseAmount(text);
        } catch {
          return text;
        }
      }}
      validate={(value: unknown) => (typeof value === 'number' && value >= 0 ? undefined : 'Enter an amount in dollars, like 1.50')}
      slotProps={{ input: { startAdornment: <span style={{ marginRight: 4, color: '#78909c' }}>$</span> } }}
    />
  );
}

/** A rate typed as a percentage ("2.95") and stored as basis points (295), in integers. */
export function BasisPointsInput(props: Omit<TextInputProps, 'format' | 'parse'>) {
  return (
    <TextInput
      {...props}
      format={(value: unknown) => (typeof value === 'number' ? `${Math.floor(value / 100)}.${String(value % 100).padStart(2, '0')}` : ((value as string | undefined) ?? ''))}
      parse={(text: string) => {
        const match = /^\s*(\d{1,3})(?:\.(\d{1,2}))?\s*%?\s*$/.exec(text);
        return match ? Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0')) : text;
      }}
      validate={(value: unknown) => (typeof value === 'number' ? undefined : 'Enter a percentage with up to two decimals, like 2.95')}
      slotProps={{ input: { endAdornment: <span style={{ marginLeft: 4, color: '#78909c' }}>%</span> } }}
    />
  );
}
