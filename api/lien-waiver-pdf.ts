import { factLines, renderLetterPdf, titleLine } from './letter-pdf';
import type { LienWaiverRow } from '../db/lien-waivers';
import { lienWaiverDocument } from '../domain/lien-waivers';

/**
 * A lien waiver as a PDF, from the fields it was issued with. A void waiver still renders, so
 * the AR team can see what was handed out, but says VOID across the page and why; a replaced
 * conditional says which document took its place.
 */
export function renderLienWaiverPdf(row: LienWaiverRow): Promise<Buffer> {
  const document = lienWaiverDocument({
    kind: row.kind, form: row.form, state: row.state, claimant: row.dealer_name, customer: row.customer_name, customerAddress: row.customer_address,
    jobName: row.job_name, jobNumber: row.erp_job_id, paymentNumber: row.payment_number, amountCents: Number(row.amount_cents), throughDate: row.through_date,
  });
  return renderLetterPdf({ title: document.title, author: row.dealer_name }, (doc, page) => {
    const { left, width } = page;
    if (row.status === 'void') {
      doc.save().rotate(-30, { origin: [doc.page.width / 2, doc.page.height / 2] })
        .font('Helvetica-Bold').fontSize(110).fillColor('#e12d39').fillOpacity(0.18)
        .text('VOID', 0, doc.page.height / 2 - 60, { width: doc.page.width, align: 'center' }).restore();
      doc.fillOpacity(1).fillColor('#000000');
    }

    titleLine(doc, page, document.title);
    if (row.status === 'void') {
      doc.font('Helvetica-Bold').fontSize(11).fillColor('#e12d39').text(`VOID: ${row.void_reason ?? 'this waiver no longer stands.'}`, left, doc.y, { width }).fillColor('#000000').moveDown(0.8);
    } else if (row.status === 'replaced') {
      doc.font('Helvetica-Bold').fontSize(11).fillColor('#52606d').text('Replaced by the unconditional waiver for the same payment and job, issued once the payment became final.', left, doc.y, { width }).fillColor('#000000').moveDown(0.8);
    }
    factLines(doc, page, document.facts);
    doc.moveDown(1);
    for (const paragraph of document.paragraphs) doc.font('Helvetica').fontSize(11).text(paragraph, left, doc.y, { width }).moveDown(0.7);
    doc.moveDown(0.5);
    doc.font('Helvetica-Bold').fontSize(10).text(document.notice, left, doc.y, { width });
    doc.moveDown(2);
    for (const line of [`Claimant: ${row.dealer_name}`, 'Signature: ____________________________________', 'Name and title: _______________________________', 'Date: ______________']) {
      doc.font('Helvetica').fontSize(11).text(line, left, doc.y, { width }).moveDown(0.8);
    }
  });
}
