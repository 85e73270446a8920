import { httpClient } from '../httpClient';
import { API_URL, currentSession } from '../session';
import type { IngestionCounts, IngestionFile, IngestionRun, RowError, RunStatus } from '../../../contracts/operator/ingestion-runs';
import type { IntegrationStatus, ResyncAnswer } from '../../../contracts/operator/integration';

export type { IngestionCounts, IngestionFile, IngestionRun, IntegrationStatus, RowError, RunStatus };

/** What a refused upload answers (422): one sentence per refused file. */
export class UploadRefused extends Error {
  constructor(
    message: string,
    readonly files: Array<{ filename: string; message: string }>,
  ) {
    super(message);
  }
}

export const integrationMethods = {
  async getIntegrationStatus(): Promise<IntegrationStatus> {
    const { json } = await httpClient(`${API_URL}/integration`);
    return json as IntegrationStatus;
  },

  async requestResync(): Promise<ResyncAnswer> {
    const { json } = await httpClient(`${API_URL}/integration/resync`, { method: 'POST', body: '{}' });
    return json as ResyncAnswer;
  },

  async getIngestionRun(id: string): Promise<IngestionRun> {
    const { json } = await httpClient(`${API_URL}/ingestion-runs/${id}`);
    return json as IngestionRun;
  },

  async getIngestionErrors(id: string, page: number, perPage: number): Promise<{ rows: RowError[]; total: number }> {
    const range = JSON.stringify([page * perPage, page * perPage + perPage - 1]);
    const { json, headers } = await httpClient(`${API_URL}/ingestion-runs/${id}/errors?range=${encodeURIComponent(range)}`);
    const total = Number(headers.get('Content-Range')?.split('/').pop() ?? (json as RowError[]).length);
    return { rows: json as RowError[], total };
  },

  async commitIngestionRun(id: string): Promise<IngestionRun> {
    const { json } = await httpClient(`${API_URL}/ingestion-runs/${id}/commit`, { method: 'POST', body: '{}' });
    return json as IngestionRun;
  },

  async cancelIngestionRun(id: string): Promise<IngestionRun> {
    const { json } = await httpClient(`${API_URL}/ingestion-runs/${id}/cancel`, { method: 'POST', body: '{}' });
    return json as IngestionRun;
  },
};

/**
 * Sends the files as one multipart upload (one part per file; the API infers each file's
 * type from its header). XMLHttpRequest rather than fetch because only it reports upload
 * progress, which matters for files of hundreds of megabytes.
 */
export function uploadCsvFiles(files: File[], onProgress: (fraction: number) => void): Promise<IngestionRun> {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    for (const file of files) form.append('file', file, file.name);
    const request = new XMLHttpRequest();
    request.open('POST', `${API_URL}/ingestion-runs`);
    request.withCredentials = true;
    const csrf = currentSession()?.csrfToken;
    if (csrf) request.setRequestHeader('X-CSRF-Token', csrf);
    request.responseType = 'json';
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    request.onload = () => {
      const body = request.response as { error?: { message?: string; details?: { files?: Array<{ filename: string; message: string }> } } } | IngestionRun | null;
      if (request.status >= 200 && request.status < 300) {
        onProgress(1);
        resolve(body as IngestionRun);
        return;
      }
      const error = (body as { error?: { message?: string; details?: { files?: Array<{ filename: string; message: string }> } } } | null)?.error;
      reject(new UploadRefused(error?.message ?? `The upload failed (${request.status}).`, error?.details?.files ?? []));
    };
    request.onerror = () => reject(new Error('The upload was interrupted; check the connection and try again.'));
    request.send(form);
  });
}
