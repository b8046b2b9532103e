import type { DiscrepancyRow } from '../reconciliation/run-data';

const COLUMNS: Array<{ header: string; value: (row: DiscrepancyRow) => string | undefined; text?: boolean }> = [
  { header: 'kind', value: (r) => r.kind },
  { header: 'document_type', value: (r) => r.txnKind },
  { header: 'customer_id', value: (r) => r.customerId, text: true },
  { header: 'qbo_customer_id', value: (r) => r.qboCustomerId, text: true },
  { header: 'customer_name', value: (r) => r.customerName, text: true },
  { header: 'source_id', value: (r) => r.sourceId, text: true },
  { header: 'qbo_id', value: (r) => r.qboId, text: true },
  { header: 'number', value: (r) => r.number, text: true },
  { header: 'source_amount', value: (r) => r.sourceAmount },
  { header: 'qbo_amount', value: (r) => r.qboAmount },
  { header: 'difference', value: (r) => r.difference },
  { header: 'bucket', value: (r) => r.bucket },
  { header: 'qbo_bucket', value: (r) => r.qboBucket },
  { header: 'suggested_action', value: (r) => r.suggestedAction, text: true },
  { header: 'note', value: (r) => r.note, text: true },
  { header: 'id', value: (r) => r.id },
];

/**
 * One field, RFC 4180: quoted when it holds a comma, quote or line break. Free text that a spreadsheet would run as
 * a formula (`=`, `+`, `-`, `@` first) is prefixed with `'`; amounts are never text, so "-12.50" stays a number.
 */
function field(value: string | undefined, text: boolean): string {
  if (value === undefined) return '';
  const safe = text && /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The run's discrepancies as CSV (UTF-8, CRLF, header row), in report order; amounts are decimal strings. */
export async function renderDiscrepanciesCsv(rows: AsyncIterable<DiscrepancyRow>): Promise<Buffer> {
  const chunks: Buffer[] = [Buffer.from(COLUMNS.map((c) => c.header).join(',') + '\r\n', 'utf8')];
  let lines: string[] = [];
  for await (const row of rows) {
    lines.push(COLUMNS.map((c) => field(c.value(row), c.text ?? false)).join(','));
    if (lines.length === 1_000) {
      chunks.push(Buffer.from(lines.join('\r\n') + '\r\n', 'utf8'));
      lines = [];
    }
  }
  if (lines.length > 0) chunks.push(Buffer.from(lines.join('\r\n') + '\r\n', 'utf8'));
  return Buffer.concat(chunks);
}
