import { Router } from 'express';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { listRowErrors, listRuns, runStatus, type RowErrorRow } from '../../db/ingestion-runs';
import { rowErrorFilter as errorFilter, runFilter } from '../../contracts/operator/ingestion-runs';
import { acceptUpload, cancelIngestion, commitIngestion, ownRun, refuseUnlessFileBased } from '../../services/ingestion';
import { operatorOf } from '../auth/context';
import type { AppDeps } from '../deps';
import { notFound } from '../errors';
import { parse } from '../validate';
import { listParams, sendList } from '../simple-rest';
import { receiveFiles } from './multipart-files';

export const MAX_FILES_PER_UPLOAD = 10;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export function runIdOf(raw: string | string[] | undefined): string {
  if (typeof raw !== 'string' || !UUID.test(raw)) throw notFound('Ingestion run');
  return raw.toLowerCase();
}

/** A refused row's values as written, in the file's column order (then any the header lacked). */
export function rowErrorValues(row: Pick<RowErrorRow, 'columns' | 'row_values'>): Array<{ header: string; value: string }> {
  const headers: string[] = row.columns.map((c, i) => c.header || `column_${i + 1}`);
  const extra = Object.keys(row.row_values).filter((key) => !headers.includes(key)).sort();
  return [...headers, ...extra].map((header) => ({ header, value: row.row_values[header] ?? '' }));
}

/**
 * CSV uploads: validate first (asynchronously, in the `ingest-<runId>` workflow), then the
 * operator commits or cancels. The database holds what the console lists; the workflow does
 * the work.
 */
export function ingestionRunRoutes(deps: AppDeps): Router {
  const { db, config } = deps;
  const router = Router();

  router.post('/ingestion-runs', async (req, res) => {
    const operator = operatorOf(req);
    try {
      await refuseUnlessFileBased(db, operator.dealerId);
    } catch (refusal) {
      req.resume();
      throw refusal;
    }
    const runId = randomUUID();
    const dir = path.resolve(config.UPLOAD_DIR, operator.dealerId, runId);
    const files = await receiveFiles(req, { dir, maxBytes: config.UPLOAD_MAX_BYTES, maxFiles: MAX_FILES_PER_UPLOAD });
    const run = await acceptUpload(deps, { dealerId: operator.dealerId, runId, dir, files, actor: { kind: 'operator', id: operator.id } });
    res.status(202).json(run);
  });

  router.get('/ingestion-runs', async (req, res) => {
    const { dealerId } = operatorOf(req);
    const params = listParams(req, { sort: { field: 'created_at', order: 'DESC' } });
    const filter = parse(runFilter, params.filter, 'invalid_filter');
    const { rows, total } = await listRuns(db, dealerId, {
      ids: filter.id, statuses: filter.status, dataType: filter.data_type, createdAtGte: filter.created_at_gte, createdAtLte: filter.created_at_lte,
    }, params);
    sendList(res, 'ingestion-runs', rows, params.range, total);
  });

  router.get('/ingestion-runs/:id', async (req, res) => {
    res.json(await ownRun(db, operatorOf(req).dealerId, runIdOf(req.params.id)));
  });

  router.get('/ingestion-runs/:id/errors', async (req, res) => {
    const { dealerId } = operatorOf(req);
    const runId = runIdOf(req.params.id);
    if (!(await runStatus(db, dealerId, runId))) throw notFound('Ingestion run');
    const params = listParams(req, { sort: { field: 'row_number', order: 'ASC' }, pageSize: 50 });
    const filter = parse(errorFilter, params.filter, 'invalid_filter');
    const { rows: page, total } = await listRowErrors(db, dealerId, runId, { fileId: filter.file_id, dataType: filter.data_type, column: filter.column }, params);
    const rows = page.map((row) => ({
      id: row.id, file_id: row.file_id, filename: row.filename, data_type: row.data_type, row_number: row.row_number,
      values: rowErrorValues(row), errors: row.errors,
    }));
    sendList(res, 'ingestion-row-errors', rows, params.range, total);
  });

  router.post('/ingestion-runs/:id/commit', async (req, res) => {
    const operator = operatorOf(req);
    res.status(202).json(await commitIngestion(deps, { dealerId: operator.dealerId, runId: runIdOf(req.params.id), actor: { kind: 'operator', id: operator.id } }));
  });

  router.post('/ingestion-runs/:id/cancel', async (req, res) => {
    const operator = operatorOf(req);
    res.json(await cancelIngestion(deps, { dealerId: operator.dealerId, runId: runIdOf(req.params.id), actor: { kind: 'operator', id: operator.id }, cancelledBy: operator.name }));
  });

  return router;
}
