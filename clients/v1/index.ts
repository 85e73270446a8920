import createClient, { type Client, type ClientOptions } from 'openapi-fetch';
import type { components, operations, paths } from './schema';

/**
 * A typed client of the public API (/api/v1), for dealers' systems and for our own tests: the
 * paths, parameters, bodies and answers are the types openapi-typescript generated from the v1
 * OpenAPI document (./schema.d.ts, `npm run generate:client`); openapi-fetch does the requests.
 *
 *   const api = drypowderClient({ baseUrl: 'https://pay.example-lumber.com', apiKey: process.env.DRYPOWDER_KEY! });
 *   const { data, error } = await api.GET('/api/v1/ingestion-runs/{id}', { params: { path: { id } } });
 */
export type { components, operations, paths };
export type DrypowderClient = Client<paths>;

export function drypowderClient(options: { baseUrl: string; apiKey: string } & Omit<ClientOptions, 'baseUrl'>): DrypowderClient {
  const { apiKey, headers, ...rest } = options;
  return createClient<paths>({ ...rest, headers: { ...(headers as Record<string, string> | undefined), Authorization: `Bearer ${apiKey}` } });
}

/** JSON batch of rows, as `POST /api/v1/ingestion-runs` takes it. */
export type JsonBatch = operations['postV1IngestionRuns']['requestBody']['content']['application/json'];
export type DataType = JsonBatch['files'][number]['data_type'];

/** A CSV file for `POST /api/v1/ingestion-runs` as multipart: the part is named after its data type, or `file` to let the header decide. */
export interface CsvPart {
  dataType?: DataType;
  filename: string;
  content: string | Blob;
}

/** Uploads CSV files as the console does (multipart, one part per file); validation starts at once. */
export function uploadCsv(client: DrypowderClient, files: CsvPart[], idempotencyKey: string) {
  const form = new FormData();
  for (const file of files) form.append(file.dataType ?? 'file', typeof file.content === 'string' ? new Blob([file.content], { type: 'text/csv' }) : file.content, file.filename);
  return client.POST('/api/v1/ingestion-runs', {
    params: { header: { 'Idempotency-Key': idempotencyKey } },
    // The generated body type describes the parts; the request itself is the FormData, sent as it is.
    body: form as unknown as { file: string[] },
    bodySerializer: (body) => body as unknown as FormData,
  });
}
