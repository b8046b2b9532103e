import { Company, EntityRecord } from '../company-store';
import { ZERO, reportMoney } from '../money';
import { displayNameOf } from './entity-kind';
import { readDecimal, readRef, readString } from './fields';

/** PDF strings escape backslashes and parentheses; anything outside Latin-1 printable becomes "?". */
const pdfText = (s: string): string => s.replace(/[\\()]/g, (c) => `\\${c}`).replace(/[^\x20-\x7e]/g, '?');

/**
 * `GET /invoice/{id}/pdf`: a one-page PDF naming the invoice, customer, dates and amounts. Real
 * QuickBooks renders the full form; clients only need a valid `application/pdf` document here.
 */
export function invoicePdf(company: Company, invoice: EntityRecord): Buffer {
  const customerId = readRef(invoice.data, 'CustomerRef');
  const customer = customerId ? company.get('Customer', customerId) : undefined;
  const lines = [
    `Invoice ${readString(invoice.data, 'DocNumber') ?? invoice.id}`,
    `Customer: ${(customer && displayNameOf(customer)) ?? ''}`,
    `Date: ${readString(invoice.data, 'TxnDate') ?? ''}   Due: ${readString(invoice.data, 'DueDate') ?? ''}`,
    `Total: ${reportMoney(readDecimal(invoice.data, 'TotalAmt') ?? ZERO)}   Balance: ${reportMoney(readDecimal(invoice.data, 'Balance') ?? ZERO)}`,
  ];
  const content = ['BT', '/F1 14 Tf', '72 720 Td', '18 TL', ...lines.map((l) => `(${pdfText(l)}) Tj T*`), 'ET'].join('\n');
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    `<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`,
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(out, 'latin1'));
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) out += `${String(o).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}
