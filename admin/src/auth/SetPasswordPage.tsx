import { Alert, Box, Button, Card, CardContent, CircularProgress, TextField, Typography } from '@mui/material';
import { useEffect, useState, type FormEvent } from 'react';
import { useLocation, useNavigate } from 'react-router-dom';
import { errorMessage } from '../httpClient';
import { API_URL } from '../session';

interface LinkInfo {
  email: string;
  name: string;
  dealer_name: string;
  purpose: 'operator_invite' | 'operator_password_reset';
}

/**
 * Where an invited operator lands from their email: the single-use link names them, they
 * choose a password, then sign in. Works without a session.
 */
export function SetPasswordPage() {
  const location = useLocation();
  const navigate = useNavigate();
  const token = new URLSearchParams(location.search).get('token') ?? '';
  const [info, setInfo] = useState<LinkInfo | null>(null);
  const [linkError, setLinkError] = useState<string | null>(null);
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);

  useEffect(() => {
    if (!token) {
      setLinkError('This page needs the link from your invitation email.');
      return;
    }
    fetch(`${API_URL}/auth/set-password?token=${encodeURIComponent(token)}`, { credentials: 'include' })
      .then(async (response) => (response.ok ? setInfo((await response.json()) as LinkInfo) : setLinkError(await errorMessage(response))))
      .catch(() => setLinkError('The server could not be reached. Try again in a moment.'));
  }, [token]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (password !== confirm) {
      setError('The two passwords differ.');
      return;
    }
    setBusy(true);
    setError(null);
    const response = await fetch(`${API_URL}/auth/set-password`, {
      method: 'POST',
      credentials: 'include',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ token, password }),
    }).catch(() => null);
    setBusy(false);
    if (!response) return setError('The server could not be reached. Try again in a moment.');
    if (!response.ok) return setError(await errorMessage(response));
    setDone(true);
  }

  return (
    <Box sx={{ minHeight: '100vh', display: 'flex', alignItems: 'center', justifyContent: 'center', bgcolor: '#1f3a2b' }}>
      <Card sx={{ width: 400 }}>
        <CardContent component="form" onSubmit={submit} sx={{ display: 'flex', flexDirection: 'column', gap: 1.5, p: 3 }}>
          <Typography variant="h6">Choose your password</Typography>
          {linkError ? <Alert severity="error">{linkError}</Alert> : null}
          {info && !done ? (
            <>
              <Typography variant="body2">
                {info.name}, you are joining <b>{info.dealer_name}</b> on Drypowder as <b>{info.email}</b>.
              </Typography>
              <Typography variant="caption" color="text.secondary">
                At least 12 characters, mixing three of: lower case, upper case, digits, symbols.
              </Typography>
              {error ? <Alert severity="error">{error}</Alert> : null}
              <input type="email" name="username" autoComplete="username" value={info.email} readOnly hidden />
              <TextField label="New password" type="password" autoComplete="new-password" value={password} onChange={(event) => setPassword(event.target.value)} required variant="outlined" size="small" />
              <TextField label="Repeat the password" type="password" autoComplete="new-password" value={confirm} onChange={(event) => setConfirm(event.target.value)} required variant="outlined" size="small" />
              <Button type="submit" variant="contained" disabled={busy} startIcon={busy ? <CircularProgress size={14} color="inherit" /> : null}>
                Set password
              </Button>
            </>
          ) : null}
          {done ? (
            <>
              <Alert severity="success">Your password is set. Sign in with {info?.email}.</Alert>
              <Button variant="contained" onClick={() => navigate('/login')}>
                Go to sign-in
              </Button>
            </>
          ) : null}
          {!info && !linkError ? <CircularProgress size={24} /> : null}
        </CardContent>
      </Card>
    </Box>
  );
}
