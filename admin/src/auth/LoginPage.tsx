import { Alert, Box, Button, Card, CardContent, CircularProgress, TextField, Typography } from '@mui/material';
import { useState, type FormEvent } from 'react';
import { useLogin } from 'react-admin';

/** Operators sign in with their work email and password; the API decides. */
export function LoginPage() {
  const login = useLogin();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await login({ email, password });
    } catch (failure) {
      setError((failure as Error).message || 'Sign-in failed.');
      setBusy(false);
    }
  }

  return (
    <Box sx={{ minHeight: '100vh', display: 'flex', alignItems: 'center', justifyContent: 'center', bgcolor: '#1f3a2b' }}>
      <Card sx={{ width: 360 }}>
        <CardContent component="form" onSubmit={submit} sx={{ display: 'flex', flexDirection: 'column', gap: 1.5, p: 3 }}>
          <Typography variant="h6">Drypowder</Typography>
          <Typography variant="body2" color="text.secondary">
            Operator console — sign in with your work email.
          </Typography>
          {error ? (
            <Alert severity="error" data-testid="login-error">
              {error}
            </Alert>
          ) : null}
          <TextField label="Email" type="email" name="email" autoComplete="username" value={email} onChange={(event) => setEmail(event.target.value)} required autoFocus variant="outlined" size="small" />
          <TextField label="Password" type="password" name="password" autoComplete="current-password" value={password} onChange={(event) => setPassword(event.target.value)} required variant="outlined" size="small" />
          <Button type="submit" variant="contained" disabled={busy} startIcon={busy ? <CircularProgress size={14} color="inherit" /> : null}>
            Sign in
          </Button>
        </CardContent>
      </Card>
    </Box>
  );
}
