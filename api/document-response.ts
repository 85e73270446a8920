import type { Response } from 'express';
import { pipeline } from 'node:stream/promises';
import type { OpenedDocument } from '../services/item-documents';
import { logger } from '../runtime/logger';

/**
 * Sends a document's bytes through our own origin (never a Spruce URL or key): inline, so a
 * ticket opens in the browser's viewer, named for the download, never cached by a shared proxy.
 */
export async function sendDocument(res: Response, opened: OpenedDocument): Promise<void> {
  const name = opened.document.file_name.replace(/[^\x20-\x7e]/g, '_');
  res.setHeader('Content-Type', opened.contentType);
  if (opened.sizeBytes !== null) res.setHeader('Content-Length', String(opened.sizeBytes));
  res.setHeader('Content-Disposition', `inline; filename="${name}"; filename*=UTF-8''${encodeURIComponent(opened.document.file_name)}`);
  res.setHeader('Cache-Control', 'private, no-store');
  try {
    await pipeline(opened.body, res);
  } catch (error) {
    // Headers are gone by now: a source that fails mid-way can only cut the answer short.
    logger.warn({ err: error, documentId: opened.document.id }, 'document stream ended early');
    res.destroy();
  }
}
