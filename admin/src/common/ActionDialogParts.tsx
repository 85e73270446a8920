import { Alert, Button, DialogActions } from '@mui/material';
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
