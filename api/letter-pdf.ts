import PDFDocument from 'pdfkit';

/** Where a page's text runs: from the left margin, `width` wide. */
export interface LetterPage {
  left: number;
  width: number;
}

/**
 * A US Letter document with the margins every record we hand out uses (receipts, lien waivers,
 * autopay authorizations): `draw` writes the content, the promise gives the finished file.
 */
export function renderLetterPdf(info: { title: string; author: string }, draw: (doc: PDFKit.PDFDocument, page: LetterPage) => void): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: 'LETTER', margin: 56, info: { Title: info.title, Author: info.author } });
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    const left = doc.page.margins.left;
    draw(doc, { left, width: doc.page.width - left - doc.page.margins.right });
    doc.end();
  });
}

/** A record's title, centred in capitals at the top of the page. */
export function titleLine(doc: PDFKit.PDFDocument, page: LetterPage, title: string): void {
  doc.font('Helvetica-Bold').fontSize(16).text(title.toUpperCase(), page.left, doc.page.margins.top, { width: page.width, align: 'center' });
  doc.moveDown(1);
}

/** "Label: value" lines, the label bold. */
export function factLines(doc: PDFKit.PDFDocument, page: LetterPage, facts: ReadonlyArray<readonly [string, string]>): void {
  for (const [label, value] of facts) doc.font('Helvetica-Bold').fontSize(11).text(`${label}: `, page.left, doc.y, { continued: true, width: page.width }).font('Helvetica').text(value);
}
