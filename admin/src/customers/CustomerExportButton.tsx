import DownloadIcon from '@mui/icons-material/Download';
import { useState } from 'react';
import { Button, useListContext, useNotify } from 'react-admin';
import { listQueryString } from '../listQuery';
import { apiFetch, errorMessage } from '../httpClient';
import { API_URL } from '../session';

/** Downloads the current filtered, sorted view as CSV with every statistic. */
export function CustomerExportButton() {
  const { filterValues, sort, total } = useListContext();
  const notify = useNotify();
  const [busy, setBusy] = useState(false);

  async function download() {
    setBusy(true);
    try {
      const response = await apiFetch(`${API_URL}/customers/export.csv${listQueryString({ filter: filterValues, sort })}`);
      if (!response.ok) throw new Error(await errorMessage(response));
      const disposition = response.headers.get('content-disposition') ?? '';
      const filename = /filename="([^"]+)"/.exec(disposition)?.[1] ?? 'customers.csv';
      const url = URL.createObjectURL(await response.blob());
      const link = Object.assign(document.createElement('a'), { href: url, download: filename });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (error) {
      notify(`Export failed: ${(error as Error).message}`, { type: 'error' });
    } finally {
      setBusy(false);
    }
  }

  return <Button label={busy ? 'Exporting…' : 'Export CSV'} onClick={download} disabled={busy || total === 0} startIcon={<DownloadIcon />} />;
}
