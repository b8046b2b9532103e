import type { DiscrepancyRow } from '../reconciliation/run-data';
import { renderDiscrepanciesCsv } from './discrepancies.csv';

async function* rows(items: DiscrepancyRow[]): AsyncIterable<DiscrepancyRow> {
  yield* items;
}

const row = (o: Partial<DiscrepancyRow> = {}): DiscrepancyRow => ({
  seq: 0,
  id: 'd1',
  kind: 'missing_in_qbo',
  txnKind: 'invoice',
  customerId: 'cus-1',
  sourceId: 'inv-1',
  difference: '-12.50',
  sourceAmount: '-12.50',
  bucket: 'current',
  suggestedAction: 'Push it',
  note: 'never pushed',
  ...o,
});

describe(renderDiscrepanciesCsv.name, () => {
  it('writes a header and one CRLF line per discrepancy, amounts as decimal strings', async () => {
    const sut = (await renderDiscrepanciesCsv(rows([row()]))).toString('utf8');
    const [header, line, end] = sut.split('\r\n');
    expect(header).toBe('kind,document_type,customer_id,qbo_customer_id,customer_name,source_id,qbo_id,number,source_amount,qbo_amount,difference,bucket,qbo_bucket,suggested_action,note,id');
    expect(line).toBe('missing_in_qbo,invoice,cus-1,,,inv-1,,,-12.50,,-12.50,current,,Push it,never pushed,d1');
    expect(end).toBe('');
  });

  it('quotes commas, quotes and line breaks, and defuses spreadsheet formulas in text', async () => {
    const sut = (await renderDiscrepanciesCsv(rows([row({ customerName: 'Smith, "Bob"\nLtd', note: '=HYPERLINK("x")', number: '-5' })]))).toString('utf8');
    expect(sut).toContain('"Smith, ""Bob""\nLtd"');
    expect(sut).toContain(`"'=HYPERLINK(""x"")"`);
    expect(sut).toContain(",'-5,");
    expect(sut).toContain(',-12.50,');
  });

  it('is the header alone for a run without discrepancies', async () => {
    expect((await renderDiscrepanciesCsv(rows([]))).toString('utf8').split('\r\n')).toHaveLength(2);
  });
});
