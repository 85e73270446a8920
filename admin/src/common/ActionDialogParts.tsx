import { Alert, Button, DialogActions, TextField } from '@mui/material';
import type { ReactNode } from 'react';

/**
 * The shared ends of every action dialog run through useDialogAction: the API's refusal shown
 * where the operator is looking (the dialog stays open on it), and Cancel beside the action,
 * both held while the request runs.
 */
export function DialogRefusal({ refusal, testId }: { refusal: string | null; testId: string }) {
  if (!refusal) return null;
  return (
    <Alert severity="error" sx={{ mt: 2 }} data-testid={testId}>
      {refusal}
    </Alert>
  );
}

export function ActionDialogButtons({ busy, onCancel, children }: { busy: boolean; onCancel: () => void; children: ReactNode }) {
  return (
    <DialogActions>
      <Button onClick={onCancel} disabled={busy}>
        Cancel
      </Button>
      {children}
    </DialogActions>
  );
}

/** The free-text reason or note an action dialog records with the action (and in the audit trail). */
export function DialogNoteField({ label, value, onChange, maxLength, helperText, autoFocus = false }: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  maxLength: number;
  helperText?: string;
  autoFocus?: boolean;
}) {
  return (
    <TextField
      autoFocus={autoFocus}
      fullWidth
      multiline
      minRows={2}
      label={label}
      value={value}
      onChange={(event) => onChange(event.target.value)}
      helperText={helperText}
      slotProps={{ htmlInput: { maxLength } }}
    />
  );
}
