import ContentCopyIcon from '@mui/icons-material/ContentCopy';
import { Alert, Box, Button, Dialog, DialogActions, DialogContent, DialogContentText, DialogTitle } from '@mui/material';
import { useState, type ReactNode } from 'react';

/**
 * A secret the server shows once (an API key, a webhook signing secret): copy it now, or get a
 * new one later. It lives only in this dialog's props, never in react-admin's cache.
 */
export function ShownOnceDialog({ title, secret, lost, usage, testId, onClose }: {
  title: string;
  secret: string;
  /** What to do if it is lost. */
  lost: string;
  usage: ReactNode;
  testId: string;
  onClose: () => void;
}) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    await navigator.clipboard.writeText(secret);
    setCopied(true);
  };
  return (
    <Dialog open maxWidth="sm" fullWidth>
      <DialogTitle>{title}</DialogTitle>
      <DialogContent>
        <Alert severity="warning" sx={{ mb: 2 }}>This is the only time it is shown. {lost}</Alert>
        <Box data-testid={testId} sx={{ fontFamily: 'monospace', p: 1.5, bgcolor: 'action.hover', borderRadius: 1, wordBreak: 'break-all' }}>{secret}</Box>
        <DialogContentText sx={{ mt: 1 }}>{usage}</DialogContentText>
      </DialogContent>
      <DialogActions>
        <Button startIcon={<ContentCopyIcon />} onClick={() => void copy()}>{copied ? 'Copied' : 'Copy'}</Button>
        <Button variant="contained" onClick={onClose}>I have stored it</Button>
      </DialogActions>
    </Dialog>
  );
}
