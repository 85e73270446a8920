import { httpClient } from '../httpClient';
import { API_URL, currentSession } from '../session';

export interface IntegrationStatus {
  id: 'integration';
  mode: 'spruce' | 'file';
  spruce: { base_url: string | null; tenant_id: string | null; api_key_set: boolean } | null;
  connection?: { ok: boolean; checked_at: string; latency_ms: number | null; head_seq: number | null; error: string | null };
  sync: {
    status: string;
    cursor: number;
    head_seq: number | null;
    behind_by: number | null;
    lag_ms: number | null;
    last_synced_at: string | null;
    last_event_at: string | null;
    last_error: string | null;
    last_error_at: string | null;
    events_applied: number;
    rows_skipped: number;
    resync_requested_at: string | null;
  } | null;
}

export interface IngestionCounts {
  files: number;
  lines: number;
  valid: number;
  invalid: number;
  inserted: number;
  updated: number;
  unchanged: number;
}

export interface IngestionFile {
  id: string;
  filename: string;
  data_type: string | null;
  status: string;
  refusal: string | null;
  size_bytes: number;
  total_lines: number;
  valid_rows: number;
  invalid_rows: number;
  inserted: number;
  updated: number;
  unchanged: number;
  warnings: string[] | null;
  /** The text encoding the file was read in; null when it was refused. */
  encoding: 'utf-8' | 'windows-1252' | 'utf-16le' | 'utf-16be' | null;
  previously_applied: { run_id: string; applied_at: string } | null;
}

export type RunStatus = 'validating' | 'validated' | 'processing' | 'succeeded' | 'failed' | 'cancelled';

export interface IngestionRun {
  id: string;
  status: RunStatus;
  error: string | null;
  created_at: string;
  validated_at: string | null;
  committed_at: string | null;
  finished_at: string | null;
  uploaded_by: { id: string; name: string; email: string } | null;
  files: IngestionFile[];
  counts: Record<string, IngestionCounts>;
  totals: IngestionCounts;
}

export interface RowError {
  id: string;
  file_id: string;
  filename: string;
  data_type: string;
  row_number: number;
  values: Array<{ header: string; value: string }>;
  errors: Array<{ column: string | null; message: string }>;
}

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

  async requestResync(): Promise<{ message: string }> {
    const { json } = await httpClient(`${API_URL}/integration/resync`, { method: 'POST', body: '{}' });
    return json as { message: string };
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
