import { stringify } from 'csv-stringify/sync';
import express, { Router, type RequestHandler } from 'express';
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { rowErrorsAfter } from '../../db/ingestion-runs';
import { JSON_BATCH_LIMIT_BYTES, type IngestionRowError, jsonBatchBody, rowErrorListQuery, type JsonBatchBody } from '../../contracts/v1/ingestion';
import { acceptUpload, cancelIngestion, commitIngestion, ownRun, refuseUnlessFileBased, type StoredUpload } from '../../services/ingestion';
import { apiClientOf, requireWriteScope } from '../auth/api-key';
import type { AppDeps } from '../deps';
import { badRequest } from '../errors';
import { refuseNulCharacters } from '../nul-characters';
import { MAX_FILES_PER_UPLOAD, rowErrorValues, runIdOf } from '../operator/ingestion-runs';
import { receiveFiles } from '../operator/multipart-files';
import { body, query } from '../validate';
import { idempotencyKeyOf, idempotentPost } from './idempotency';
import { decodeCursor, sendPage } from './paging';

/**
 * Ingestion for file-based dealers' own systems (docs/api-v1.md, "Ingestion"): the console's
 * upload, validation and commit (services/ingestion.ts) behind an API key. A CSV upload is the
 * console's multipart request; a JSON batch is written out as the CSV file it stands for and
 * validated exactly like one, so both give the same run, counts and row errors.
 */

/** The upload path's JSON is parsed here, after the key and its scope, with a limit of its own. */
export const INGESTION_UPLOAD_PATH = '/api/v1/ingestion-runs';

interface PendingUpload {
  runId: string;
  dir: string;
  files: StoredUpload[];
  /** Set once the service owns the files; until then they are removed when the answer ends. */
  taken: boolean;
}

const pendingOf = (res: express.Response) => res.locals.ingestionUpload as PendingUpload | undefined;

/**
 * Reads the request before the Idempotency-Key is claimed, so the key's request hash covers what
 * was sent: a CSV upload is streamed to disk and stands in the hash as its parts' names and
 * SHA-256; a JSON batch is parsed (up to JSON_BATCH_LIMIT_BYTES) and hashed as it is.
 */
function receiveUpload(deps: AppDeps): RequestHandler[] {
  const json = express.json({ limit: JSON_BATCH_LIMIT_BYTES });
  const refuseWrongType: RequestHandler = (req, _res, next) => {
    if (req.is('multipart/form-data') || req.is('application/json')) return next();
    next(badRequest('unsupported_content_type', 'Send a CSV upload as multipart/form-data (one part per file), or rows as an application/json batch: { "files": [{ "data_type": …, "rows": [ … ] }] }.'));
  };
  const prepare: RequestHandler = async (req, res, next) => {
    try {
      idempotencyKeyOf(req);
      await refuseUnlessFileBased(deps.db, apiClientOf(req).dealerId);
      next();
    } catch (error) {
      req.resume();
      next(error);
    }
  };
  const files: RequestHandler = async (req, res, next) => {
    try {
      if (!req.is('multipart/form-data')) return json(req, res, next);
      const { dealerId } = apiClientOf(req);
      const runId = randomUUID();
      const dir = path.resolve(deps.config.UPLOAD_DIR, dealerId, runId);
      const received = await receiveFiles(req, { dir, maxBytes: deps.config.UPLOAD_MAX_BYTES, maxFiles: MAX_FILES_PER_UPLOAD });
      const pending: PendingUpload = { runId, dir, files: received, taken: false };
      res.locals.ingestionUpload = pending;
      res.on('close', () => {
        if (!pending.taken) void rm(dir, { recursive: true, force: true });
      });
      req.body = { multipart: received.map((file) => ({ field: file.field, filename: file.filename, sha256: file.sha256 })) };
      next();
    } catch (error) {
      next(error);
    }
  };
  return [refuseWrongType, prepare, files, refuseNulCharacters];
}

const cell = (value: string | number | boolean | null) => (value === null ? '' : String(value));

/** Each file of a JSON batch as the CSV file it stands for, on disk beside the console's uploads. */
async function writeBatch(batch: JsonBatchBody, dir: string): Promise<StoredUpload[]> {
  await mkdir(dir, { recursive: true });
  return Promise.all(batch.files.map(async (file, index) => {
    const columns = Object.keys(file.rows[0]!);
    const text = stringify([columns, ...file.rows.map((row) => columns.map((column) => cell(row[column] ?? null)))], { quoted: true, record_delimiter: 'unix' });
    const bytes = Buffer.from(text, 'utf8');
    const id = randomUUID();
    const target = path.join(dir, `${id}.csv`);
    await writeFile(target, bytes);
    return {
      id, field: file.data_type, filename: `files[${index}] ${file.data_type} (JSON)`, path: target, sizeBytes: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'), source: 'json' as const,
    };
  }));
}

export function ingestionRoutes(deps: AppDeps): Router {
  const { db } = deps;
  const router = Router();
  const idempotent = idempotentPost(db);

  router.post('/ingestion-runs', requireWriteScope(), ...receiveUpload(deps), idempotent, async (req, res) => {
    const client = apiClientOf(req);
    const actor = { kind: 'api_key' as const, id: client.keyId };
    const received = pendingOf(res);
    if (received) {
      received.taken = true;
      res.status(202).json(await acceptUpload(deps, { dealerId: client.dealerId, runId: received.runId, dir: received.dir, files: received.files, actor }));
      return;
    }
    const batch = body(req, jsonBatchBody);
    const runId = randomUUID();
    const dir = path.resolve(deps.config.UPLOAD_DIR, client.dealerId, runId);
    let files: StoredUpload[];
    try {
      files = await writeBatch(batch, dir);
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
    res.status(202).json(await acceptUpload(deps, { dealerId: client.dealerId, runId, dir, files, actor }));
  });

  router.get('/ingestion-runs/:id', async (req, res) => {
    res.json(await ownRun(db, apiClientOf(req).dealerId, runIdOf(req.params.id)));
  });

  router.get('/ingestion-runs/:id/errors', async (req, res) => {
    const { dealerId } = apiClientOf(req);
    const runId = runIdOf(req.params.id);
    await ownRun(db, dealerId, runId);
    const q = query(req, rowErrorListQuery);
    const page = await rowErrorsAfter(db, dealerId, runId, { dataType: q.data_type, fileId: q.file_id, column: q.column },
      { afterId: decodeCursor('ingestion-row-errors', q.starting_after, 'starting_after'), limit: q.limit });
    const rows = page.rows.map((row): IngestionRowError => ({
      id: String(row.id), file_id: row.file_id, filename: row.filename, data_type: row.data_type as IngestionRowError['data_type'], source: row.source,
      row_number: row.row_number, row_index: row.source === 'json' ? row.row_number - 2 : null,
      values: Object.fromEntries(rowErrorValues(row).map(({ header, value }) => [header, value])),
      errors: row.errors as IngestionRowError['errors'],
    }));
    sendPage(res, 'ingestion-row-errors', { rows, hasMore: page.hasMore }, (row) => row.id);
  });

  router.post('/ingestion-runs/:id/commit', requireWriteScope(), idempotent, async (req, res) => {
    const client = apiClientOf(req);
    res.status(202).json(await commitIngestion(deps, { dealerId: client.dealerId, runId: runIdOf(req.params.id), actor: { kind: 'api_key', id: client.keyId } }));
  });

  router.post('/ingestion-runs/:id/cancel', requireWriteScope(), idempotent, async (req, res) => {
    const client = apiClientOf(req);
    res.json(await cancelIngestion(deps, { dealerId: client.dealerId, runId: runIdOf(req.params.id), actor: { kind: 'api_key', id: client.keyId }, cancelledBy: `API key ${client.prefix}` }));
  });

  return router;
}
