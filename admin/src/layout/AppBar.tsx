import { Box, Typography } from '@mui/material';
import { AppBar as RaAppBar, TitlePortal, useGetIdentity } from 'react-admin';

/** The dealer's name stays in view: an operator of two dealers must never confuse them. */
export function AppBar() {
  const { identity } = useGetIdentity();
  const dealer = (identity as { dealer?: { name: string; time_zone: string } } | undefined)?.dealer;
  return (
    <RaAppBar color="secondary">
      <TitlePortal />
      {dealer ? (
        <Box sx={{ mr: 2, textAlign: 'right', lineHeight: 1.1, display: { xs: 'none', sm: 'block' } }}>
          <Typography variant="body2" sx={{ fontWeight: 600 }} data-testid="dealer-name">
            {dealer.name}
          </Typography>
          <Typography variant="caption" sx={{ opacity: 0.8 }}>
            Times in {dealer.time_zone.replace(/_/g, ' ')}
          </Typography>
        </Box>
      ) : null}
    </RaAppBar>
  );
}
