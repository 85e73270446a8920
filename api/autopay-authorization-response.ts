import type { Response } from 'express';
import type { EnrolmentRow } from '../db/autopay';
import type { Db } from '../db/connection';
import { enrolmentNames } from '../db/autopay';
import { renderAutopayAuthorizationPdf } from './autopay-authorization-pdf';

/** Sends an enrolment's authorization PDF; the portal and the console serve the same document. */
export async function autopayAuthorizationResponse(db: Db, row: EnrolmentRow, res: Response): Promise<void> {
  const pdf = await renderAutopayAuthorizationPdf(row, await enrolmentNames(db, row));
  res.setHeader('Content-Type', 'application/pdf');
  res.setHeader('Content-Disposition', `attachment; filename="autopay-authorization-${row.id.slice(0, 8)}.pdf"`);
  res.setHeader('Cache-Control', 'private, no-store');
  res.send(pdf);
}
