import { DISCREPANCY_KINDS, type DiscrepancyKind } from '@arbiter/domain';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CustomerResultRow, DiscrepancyRow, RunResult } from '../reconciliation/run-data';
import { type ReportInput, renderReconciliationPdf } from './reconciliation-report.pdf';

async function* rows<T>(items: T[]): AsyncIterable<T> {
  yield* items;
}

/** A run with `perKind` discrepancies of every kind and `customers` differing customers. */
function reportInput(perKind: number, customers: number, name = 'Northwind Traders'): ReportInput {
  const kinds = DISCREPANCY_KINDS.map((kind) => ({ kind, count: perKind, difference: `-${perKind}.00` }));
  const discrepancy = (kind: DiscrepancyKind, i: number): DiscrepancyRow => ({
    seq: i,
    id: `d-${kind}-${i}`,
    kind,
    txnKind: 'invoice',
    customerId: `cus-${i}`,
    qboCustomerId: `${100 + i}`,
    customerName: name,
    sourceId: `inv-${i}`,
    qboId: `${9000 + i}`,
    number: `INV-${i}`,
    sourceAmount: '0.00',
    qboAmount: '1.00',
    difference: '-1.00',
    bucket: '1-30',
    suggestedAction: 'do something',
    note: `note ${i}`,
  });
  const customer = (i: number): CustomerResultRow => ({
    seq: i,
    customerId: `cus-${i}`,
    qboCustomerId: `${100 + i}`,
    name,
    differs: true,
    buckets: [{ bucket: '1-30', source: '0.00', qbo: '1.00', difference: '-1.00' }],
    totals: { source: '0.00', qbo: '1.00', difference: '-1.00' },
  });
  const result: RunResult = {
    bucketDefinitions: [
      { id: 'current', label: 'Current' },
      { id: '1-30', label: '1 - 30' },
      { id: '31-60', label: '31 - 60' },
      { id: '61-90', label: '61 - 90' },
      { id: '91+', label: '91 and over' },
    ],
    buckets: ['current', '1-30', '31-60', '61-90', '91+'].map((bucket) => ({ bucket, source: '100.00', qbo: '90.00', difference: '10.00' })),
    totals: { source: '500.00', qbo: '450.00', difference: '50.00' },
    discrepancyCounts: Object.fromEntries(kinds.map((k) => [k.kind, k.count])),
    discrepancyCount: perKind * kinds.length,
    kinds: perKind === 0 ? [] : kinds,
    toleratedDifference: '0.00',
    opening: { source: '0.00', qbo: '0.00' },
    matching: { sourceItems: 10, qboItems: 10, pairsByPass: { link: 10, customer_number: 0, number_amount: 0, customer_amount_date: 0 }, brokenLinks: 0, unmatchedSource: 0, unmatchedQbo: 0, openingSource: 0, openingQbo: 0 },
    findings: [],
    customerCount: customers + 3,
    differingCustomerCount: customers,
  };
  return {
    run: {
      id: '3f0b6c2e-6f7a-4d0e-9a51-7d3f1e2b9c10',
      tenantId: 'acme',
      realmId: '9130357766012345',
      asOf: '2026-10-31',
      agingBasis: 'due_date',
      periodDays: 30,
      periodCount: 4,
      currency: 'USD',
      tolerance: '0',
      inSyncPoint: null,
      status: perKind === 0 ? 'in_sync' : 'out_of_sync',
      computedAt: '2026-11-01T02:00:05.123Z',
      dataSha256: 'a'.repeat(64),
    },
    result,
    differingCustomers: () => rows(Array.from({ length: customers }, (_, i) => customer(i))),
    discrepanciesOfKind: (kind) => rows(Array.from({ length: perKind }, (_, i) => discrepancy(kind, i))),
  };
}

const pdfText = (pdf: Buffer): string => {
  const dir = mkdtempSync(join(tmpdir(), 'recon-pdf-spec-'));
  writeFileSync(join(dir, 'r.pdf'), pdf);
  return execFileSync('pdftotext', ['-layout', join(dir, 'r.pdf'), '-'], { encoding: 'utf8' });
};

describe(renderReconciliationPdf.name, () => {
  it('renders the same bytes every time (fixed dates, ID from the run)', async () => {
    const [a, b] = [await renderReconciliationPdf(reportInput(3, 2)), await renderReconciliationPdf(reportInput(3, 2))];
    expect(a.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(a.equals(b)).toBe(true);
    expect(a.toString('latin1')).toContain('(D:20261101020005Z)');
  });

  it('numbers every page "x of y", with y right on every page, across page breaks', async () => {
    const text = pdfText(await renderReconciliationPdf(reportInput(60, 120)));
    const numbers = [...text.matchAll(/Page (\d+) of (\d+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
    const pages = numbers.length;
    expect(pages).toBeGreaterThan(10);
    expect(numbers).toEqual(Array.from({ length: pages }, (_, i) => [i + 1, pages]));
    expect(text.match(/\f/g)?.length ?? 0).toBe(pages);
  });

  it('shows the cover facts, the verdict, every group and the method', async () => {
    const text = pdfText(await renderReconciliationPdf(reportInput(2, 1)));
    for (const fact of ['acme', '9130357766012345', '2026-10-31', 'days past the due date', '3f0b6c2e-6f7a-4d0e-9a51-7d3f1e2b9c10', 'a'.repeat(64), 'OUT OF SYNC']) expect(text).toContain(fact);
    for (const title of ['Missing in QuickBooks', 'Missing on the platform', 'Duplicated in QuickBooks', 'Voided in QuickBooks', 'Filed under another customer', 'Amounts differ', 'Open balances differ', 'Aged into another bucket']) {
      expect(text).toContain(title);
    }
    expect(text).toMatch(/Total\s+500\.00\s+450\.00\s+50\.00/);
    expect(text).toContain('Method');
  });

  it('says IN SYNC and skips empty sections when nothing differs', async () => {
    const text = pdfText(await renderReconciliationPdf(reportInput(0, 0)));
    expect(text).toContain('IN SYNC');
    expect(text).not.toContain('Customers with differences');
    expect(text).toContain('Page 2 of 2');
  });

  it('keeps a name in another script from breaking the file, and truncates what does not fit', async () => {
    const text = pdfText(await renderReconciliationPdf(reportInput(1, 1, `株式会社 ${'Very Long Customer Name '.repeat(8)}`)));
    expect(text).toContain('???? ');
    expect(text).toContain('…');
  });

  it('refuses to render when the rows read differ from the counts the pages were planned with', async () => {
    const input = reportInput(2, 0);
    await expect(renderReconciliationPdf({ ...input, discrepanciesOfKind: () => rows([]) })).rejects.toThrow(/expected 2, read 0/);
  });
});
