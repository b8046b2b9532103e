import { type DiscrepancyKind, SUGGESTED_ACTIONS } from '@arbiter/domain';
import PDFDocument from 'pdfkit';
import type { CustomerResultRow, DiscrepancyRow, RunResult } from '../reconciliation/run-data';

export interface ReportRun {
  id: string;
  tenantId: string;
  realmId: string;
  asOf: string;
  agingBasis: 'due_date' | 'issue_date';
  periodDays: number;
  periodCount: number;
  currency: string;
  tolerance: string;
  inSyncPoint: string | null;
  status: 'in_sync' | 'out_of_sync';
  /** ISO instant the comparison was stored: the report's "generated at" and its PDF CreationDate. */
  computedAt: string;
  dataSha256: string;
}

export interface ReportInput {
  run: ReportRun;
  result: RunResult;
  /** Customers with a difference, in result order; exactly `result.differingCustomerCount` of them. */
  differingCustomers: () => AsyncIterable<CustomerResultRow>;
  /** One kind's discrepancies in report order; exactly `result.kinds[…].count` of them. */
  discrepanciesOfKind: (kind: DiscrepancyKind) => AsyncIterable<DiscrepancyRow>;
}

// A4 in points. Every block has a fixed height, so the layout depends on counts only, never on the text.
const PAGE = { width: 595.28, height: 841.89 };
const MARGIN = 40;
const CONTENT = PAGE.width - 2 * MARGIN;
const TOP = 62;
const BOTTOM = PAGE.height - 52;
const ROW = 13;
const DISCREPANCY_ROW = 22;
const GREY = '#5f6368';
const RULE = '#c8ccd0';

export const KIND_TITLES: Record<DiscrepancyKind, string> = {
  missing_in_qbo: 'Missing in QuickBooks',
  missing_in_source: 'Missing on the platform',
  duplicate_in_qbo: 'Duplicated in QuickBooks',
  voided_in_qbo: 'Voided in QuickBooks',
  customer_mismatch: 'Filed under another customer',
  amount_mismatch: 'Amounts differ',
  balance_mismatch: 'Open balances differ',
  bucket_mismatch: 'Aged into another bucket',
};

/**
 * The audit PDF of a run. Rendered in two passes over the same layout code: the first only counts pages (fixed row
 * heights make the layout a function of the counts), the second draws, with "Page x of y" on every page. Pages are
 * written out as they fill (pdfkit without `bufferPages`) and rows are pulled from the database in batches, so memory
 * stays flat whatever the number of discrepancies; only the finished file is held, to hash and store it.
 *
 * Byte-identical on every render of the same run: CreationDate and ModDate are the run's `computedAt`, the file ID
 * pdfkit derives from the info dictionary (which carries the run id and data hash), the standard Helvetica fonts are
 * not embedded, and zlib output is deterministic for the same input.
 */
export async function renderReconciliationPdf(input: ReportInput): Promise<Buffer> {
  const pages = await layOut(null, input, 0);
  const created = new Date(input.run.computedAt);
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    autoFirstPage: false,
    bufferPages: false,
    compress: true,
    info: {
      Title: `A/R reconciliation ${input.run.tenantId} as of ${input.run.asOf}`,
      Author: 'Arbiter recon-service',
      Subject: `Run ${input.run.id}; data SHA-256 ${input.run.dataSha256}`,
      Keywords: `reconciliation, accounts receivable, QuickBooks, ${input.run.id}`,
      Creator: 'Arbiter recon-service',
      Producer: 'Arbiter recon-service (pdfkit)',
      CreationDate: created,
      ModDate: created,
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<void>((resolve, reject) => {
    doc.on('end', resolve);
    doc.on('error', reject);
  });
  await layOut(doc, input, pages);
  doc.end();
  await ended;
  return Buffer.concat(chunks);
}

type Doc = PDFKit.PDFDocument;

/** Places fixed-height blocks top to bottom, page after page; draws only when it has a document. */
class Flow {
  page = 0;
  y = TOP;

  constructor(
    readonly doc: Doc | null,
    private readonly totalPages: number,
    private readonly run: ReportRun,
  ) {}

  newPage(): void {
    this.finishPage();
    this.page++;
    this.y = this.page === 1 ? MARGIN : TOP;
    const doc = this.doc;
    if (!doc) return;
    doc.addPage({ size: 'A4', margin: MARGIN });
    if (this.page > 1) {
      text(doc, `A/R reconciliation · ${this.run.tenantId} · as of ${this.run.asOf} · run ${this.run.id}`, MARGIN, 30, { size: 7.5, color: GREY });
      doc.moveTo(MARGIN, 44).lineTo(PAGE.width - MARGIN, 44).lineWidth(0.5).strokeColor(RULE).stroke();
    }
  }

  /** Starts a new page when `height` does not fit; `onBreak` then repeats a table's header. */
  ensure(height: number, onBreak?: () => void): void {
    if (this.y + height <= BOTTOM) return;
    this.newPage();
    onBreak?.();
  }

  finishPage(): void {
    const doc = this.doc;
    if (!doc || this.page === 0) return;
    const footerY = PAGE.height - 34;
    doc.moveTo(MARGIN, footerY - 6).lineTo(PAGE.width - MARGIN, footerY - 6).lineWidth(0.5).strokeColor(RULE).stroke();
    text(doc, `Data SHA-256 ${this.run.dataSha256}`, MARGIN, footerY, { size: 7, color: GREY });
    right(doc, `Page ${this.page} of ${this.totalPages}`, PAGE.width - MARGIN, footerY, { size: 7.5, color: GREY });
  }
}

/** Runs the whole layout; returns the number of pages. With `doc` null nothing is drawn or read. */
async function layOut(doc: Doc | null, input: ReportInput, totalPages: number): Promise<number> {
  const flow = new Flow(doc, totalPages, input.run);
  flow.newPage();
  cover(flow, input);
  if (input.result.differingCustomerCount > 0) {
    flow.newPage();
    await customersSection(flow, input);
  }
  if (input.result.discrepancyCount > 0) {
    flow.newPage();
    heading(flow, 'Discrepancies by kind');
    for (const group of input.result.kinds) await discrepancyGroup(flow, input, group);
  }
  if (input.result.findings.length > 0) {
    flow.ensure(60);
    findingsSection(flow, input);
  }
  flow.newPage();
  methodNotes(flow, input);
  flow.finishPage();
  return flow.page;
}

function heading(flow: Flow, title: string, note?: string): void {
  flow.ensure(note ? 40 : 28);
  if (flow.doc) {
    text(flow.doc, title, MARGIN, flow.y, { size: 13, bold: true });
    if (note) text(flow.doc, note, MARGIN, flow.y + 17, { size: 8, color: GREY, width: CONTENT });
  }
  flow.y += note ? 36 : 24;
}

const basisText = (basis: ReportRun['agingBasis']) => (basis === 'due_date' ? 'days past the due date' : 'days since the issue date');

function cover(flow: Flow, input: ReportInput): void {
  const { run, result } = input;
  const doc = flow.doc;
  const lines: Array<[string, string]> = [
    ['Tenant', run.tenantId],
    ['QuickBooks company (realm)', run.realmId],
    ['As of', `${run.asOf} (end of day; both sides as of this date)`],
    ['Aging basis', basisText(run.agingBasis)],
    ['Aging periods', result.bucketDefinitions.map((b) => b.label).join(', ')],
    ['Currency', run.currency],
    ['Tolerance per document', `${run.tolerance} ${run.currency}`],
    ['In-sync point', run.inSyncPoint ?? 'none (every document is compared)'],
    ['Run id', run.id],
    ['Generated at (UTC)', run.computedAt],
    ['Data SHA-256', run.dataSha256],
  ];
  if (doc) {
    text(doc, 'Accounts receivable reconciliation', MARGIN, flow.y, { size: 20, bold: true });
    text(doc, 'Platform ledger compared with QuickBooks Online', MARGIN, flow.y + 26, { size: 11, color: GREY });
  }
  flow.y += 54;
  for (const [label, value] of lines) {
    if (doc) {
      text(doc, label, MARGIN, flow.y, { size: 9, color: GREY });
      text(doc, value, MARGIN + 150, flow.y, { size: 9, width: CONTENT - 150, mono: label === 'Data SHA-256' });
    }
    flow.y += 14;
  }
  flow.y += 10;
  const inSync = run.status === 'in_sync';
  if (doc) {
    doc.rect(MARGIN, flow.y, CONTENT, 44).fillColor(inSync ? '#e6f4ea' : '#fce8e6').fill();
    text(doc, inSync ? 'IN SYNC' : 'OUT OF SYNC', MARGIN + 12, flow.y + 8, { size: 18, bold: true, color: inSync ? '#137333' : '#c5221f' });
    text(
      doc,
      `${result.discrepancyCount} discrepancies · total difference (platform - QuickBooks) ${result.totals.difference} ${run.currency} · tolerated ${result.toleratedDifference}`,
      MARGIN + 12,
      flow.y + 29,
      { size: 8.5, width: CONTENT - 24 },
    );
  }
  flow.y += 58;

  if (doc) text(doc, 'Summary by aging bucket', MARGIN, flow.y, { size: 12, bold: true });
  flow.y += 18;
  const columns = [MARGIN, MARGIN + 170, MARGIN + 285, MARGIN + 400, PAGE.width - MARGIN];
  const row = (cells: string[], bold = false) => {
    if (doc) {
      text(doc, cells[0], columns[0], flow.y, { size: 9, bold });
      for (let i = 1; i < 4; i++) right(doc, cells[i], columns[i + 1], flow.y, { size: 9, bold });
    }
    flow.y += 14;
  };
  row(['Bucket', 'Platform', 'QuickBooks', 'Difference'], true);
  rule(flow);
  const labels = new Map(result.bucketDefinitions.map((b) => [b.id, b.label]));
  for (const b of result.buckets) row([labels.get(b.bucket) ?? b.bucket, b.source, b.qbo, b.difference]);
  rule(flow);
  row(['Total', result.totals.source, result.totals.qbo, result.totals.difference], true);
  flow.y += 12;

  if (doc) text(doc, 'Discrepancies by kind', MARGIN, flow.y, { size: 12, bold: true });
  flow.y += 18;
  row(['Kind', 'Count', '', 'Difference'], true);
  rule(flow);
  if (result.kinds.length === 0) row(['none', '0', '', `0 ${run.currency}`]);
  for (const k of result.kinds) row([KIND_TITLES[k.kind], String(k.count), '', k.difference]);
  flow.y += 10;
  if (doc) {
    text(
      doc,
      `Tie-out checked to the minor unit: platform - QuickBooks = sum of bucket differences = sum of discrepancies + tolerated = ${result.totals.difference} ${run.currency}.`,
      MARGIN,
      flow.y,
      { size: 8, color: GREY, width: CONTENT },
    );
    text(
      doc,
      `Opening balances (before the in-sync point) included above: platform ${result.opening.source}, QuickBooks ${result.opening.qbo}.`,
      MARGIN,
      flow.y + 11,
      { size: 8, color: GREY, width: CONTENT },
    );
  }
  flow.y += 26;
}

function rule(flow: Flow): void {
  flow.doc?.moveTo(MARGIN, flow.y - 2).lineTo(PAGE.width - MARGIN, flow.y - 2).lineWidth(0.5).strokeColor(RULE).stroke();
  flow.y += 2;
}

async function customersSection(flow: Flow, input: ReportInput): Promise<void> {
  const { result } = input;
  heading(
    flow,
    'Customers with differences',
    `${result.differingCustomerCount} of ${result.customerCount} customers differ. Amounts are open A/R as of ${input.run.asOf}; difference = platform - QuickBooks.`,
  );
  const x = { name: MARGIN, ids: MARGIN + 150, source: MARGIN + 290, qbo: MARGIN + 350, diff: MARGIN + 410, buckets: MARGIN + 418 };
  const header = () => {
    const doc = flow.doc;
    if (doc) {
      for (const [label, at, alignRight] of [
        ['Customer', x.name, false],
        ['Platform id / QuickBooks id', x.ids, false],
        ['Platform', x.source, true],
        ['QuickBooks', x.qbo, true],
        ['Difference', x.diff, true],
        ['Buckets that differ', x.buckets, false],
      ] as const) {
        if (alignRight) right(doc, label, at, flow.y, { size: 7.5, bold: true });
        else text(doc, label, at, flow.y, { size: 7.5, bold: true });
      }
    }
    flow.y += ROW;
    rule(flow);
  };
  header();
  const labels = new Map(result.bucketDefinitions.map((b) => [b.id, b.label]));
  await rows(flow, result.differingCustomerCount, input.differingCustomers, ROW, header, (doc, c) => {
    text(doc, c.name ?? '(no name)', x.name, flow.y, { size: 7.5, width: 145 });
    text(doc, `${c.customerId ?? '–'} / ${c.qboCustomerId ?? '–'}`, x.ids, flow.y, { size: 7.5, width: 105 });
    right(doc, c.totals.source, x.source, flow.y, { size: 7.5 });
    right(doc, c.totals.qbo, x.qbo, flow.y, { size: 7.5 });
    right(doc, c.totals.difference, x.diff, flow.y, { size: 7.5, bold: true });
    const differing = c.buckets.filter((b) => !/^-?0(\.0+)?$/.test(b.difference)).map((b) => `${labels.get(b.bucket) ?? b.bucket}: ${b.difference}`);
    text(doc, differing.join('; '), x.buckets, flow.y, { size: 7, width: PAGE.width - MARGIN - x.buckets, color: GREY });
  });
}

async function discrepancyGroup(flow: Flow, input: ReportInput, group: RunResult['kinds'][number]): Promise<void> {
  const currency = input.run.currency;
  // The group header, its column header and the first row stay together.
  flow.ensure(38 + ROW + DISCREPANCY_ROW);
  if (flow.doc) {
    const doc = flow.doc;
    doc.rect(MARGIN, flow.y, CONTENT, 34).fillColor('#f1f3f4').fill();
    text(doc, `${KIND_TITLES[group.kind]} (${group.kind})`, MARGIN + 6, flow.y + 5, { size: 10, bold: true });
    right(doc, `${group.count} · ${group.difference} ${currency}`, PAGE.width - MARGIN - 6, flow.y + 5, { size: 9, bold: true });
    // Opening-balance rows (type "opening") have their own action; it is printed in full in the CSV.
    const action = group.kind === 'balance_mismatch' ? `${SUGGESTED_ACTIONS[group.kind]} Opening rows: check the opening balance.` : SUGGESTED_ACTIONS[group.kind];
    text(doc, `Suggested action: ${action}`, MARGIN + 6, flow.y + 20, { size: 7, color: GREY, width: CONTENT - 12 });
  }
  flow.y += 38;
  const x = { type: MARGIN, source: MARGIN + 42, qbo: MARGIN + 112, number: MARGIN + 162, customer: MARGIN + 217, bucket: MARGIN + 294, sourceAmount: MARGIN + 405, qboAmount: MARGIN + 460, diff: PAGE.width - MARGIN };
  const header = () => {
    const doc = flow.doc;
    if (doc) {
      const size = 7;
      text(doc, 'Type', x.type, flow.y, { size, bold: true });
      text(doc, 'Platform id', x.source, flow.y, { size, bold: true });
      text(doc, 'QB id', x.qbo, flow.y, { size, bold: true });
      text(doc, 'Number', x.number, flow.y, { size, bold: true });
      text(doc, 'Customer', x.customer, flow.y, { size, bold: true });
      text(doc, 'Bucket', x.bucket, flow.y, { size, bold: true });
      right(doc, 'Platform', x.sourceAmount, flow.y, { size, bold: true });
      right(doc, 'QuickBooks', x.qboAmount, flow.y, { size, bold: true });
      right(doc, 'Difference', x.diff, flow.y, { size, bold: true });
    }
    flow.y += ROW;
    rule(flow);
  };
  header();
  await rows(flow, group.count, () => input.discrepanciesOfKind(group.kind), DISCREPANCY_ROW, header, (doc, d) => {
    const size = 7.5;
    text(doc, d.txnKind ?? 'opening', x.type, flow.y, { size, width: 40 });
    text(doc, d.sourceId ?? '–', x.source, flow.y, { size, width: 68 });
    text(doc, d.qboId ?? '–', x.qbo, flow.y, { size, width: 48 });
    text(doc, d.number ?? '–', x.number, flow.y, { size, width: 53 });
    text(doc, d.customerName ?? d.customerId ?? d.qboCustomerId ?? '–', x.customer, flow.y, { size, width: 74 });
    text(doc, d.qboBucket ? `${d.bucket} / QB ${d.qboBucket}` : (d.bucket ?? '–'), x.bucket, flow.y, { size, width: 64 });
    right(doc, d.sourceAmount ?? '–', x.sourceAmount, flow.y, { size });
    right(doc, d.qboAmount ?? '–', x.qboAmount, flow.y, { size });
    right(doc, d.difference, x.diff, flow.y, { size, bold: true });
    text(doc, d.note, x.source, flow.y + 9.5, { size: 6.5, color: GREY, width: PAGE.width - MARGIN - x.source });
  });
  flow.y += 8;
}

/** A table body: every row of a fixed height, the header repeated after a page break. */
async function rows<T>(flow: Flow, count: number, source: () => AsyncIterable<T>, height: number, header: () => void, draw: (doc: Doc, row: T) => void): Promise<void> {
  const doc = flow.doc;
  if (!doc) {
    for (let i = 0; i < count; i++) {
      flow.ensure(height, header);
      flow.y += height;
    }
    return;
  }
  let drawn = 0;
  for await (const row of source()) {
    flow.ensure(height, header);
    draw(doc, row);
    flow.y += height;
    drawn++;
  }
  // The page count came from `count`: a different number of rows would make every "Page x of y" wrong.
  if (drawn !== count) throw new Error(`report rows changed while rendering: expected ${count}, read ${drawn}`);
}

function findingsSection(flow: Flow, input: ReportInput): void {
  heading(flow, 'Findings', 'What an auditor should know that is not a difference between the platform and QuickBooks.');
  for (const finding of input.result.findings) {
    flow.ensure(30);
    if (flow.doc) {
      text(flow.doc, finding.kind, MARGIN, flow.y, { size: 8, bold: true });
      text(flow.doc, finding.message, MARGIN + 120, flow.y, { size: 7.5, width: CONTENT - 120 });
    }
    flow.y += 14;
    const cells = (finding.details?.['cells'] as Array<Record<string, string>> | undefined) ?? [];
    for (const cell of cells) {
      flow.ensure(ROW);
      if (flow.doc) {
        text(
          flow.doc,
          `QuickBooks customer ${cell['qboCustomerId']} · ${cell['bucket']}: report ${cell['report']}, entities ${cell['entities']} (difference ${cell['difference']})`,
          MARGIN + 120,
          flow.y,
          { size: 7, color: GREY, width: CONTENT - 120 },
        );
      }
      flow.y += ROW - 2;
    }
    flow.y += 6;
  }
}

function methodNotes(flow: Flow, input: ReportInput): void {
  const { run, result } = input;
  const m = result.matching;
  heading(flow, 'Method');
  const notes: Array<[string, string]> = [
    [
      'Platform side',
      `The sync-service's source ledger as of ${run.asOf}: approved invoices issued on or before that date, less payments (not voided) and credit memos (not cancelled) applied on or before it; payments and credits not applied are negative A/R of their customer. Only go documents are compared one by one; documents before the in-sync point that are not marked go form the opening balance, compared by customer and bucket totals only. Document states are the ledger's latest.`,
    ],
    [
      'QuickBooks side',
      `QuickBooks Online entities read through the API, every page (1,000 rows each): invoices, credit memos and payments dated on or before ${run.asOf}. QuickBooks keeps only current balances, so the open amount as of the date is rebuilt from each document's total and the payment lines dated on or before it; a later void or edit shows as it is now. QuickBooks' own AgedReceivables report for the date is compared with these entities and any disagreement is listed under Findings.`,
    ],
    [
      'Aging',
      `Both sides are aged the same way, by ${basisText(run.agingBasis)} as of ${run.asOf}: ${result.bucketDefinitions.map((b) => b.label).join(', ')} (${run.periodCount} periods of ${run.periodDays} days, the last open-ended). Credit memos and payments age from their own date.`,
    ],
    [
      'Matching',
      `Documents are paired by the QuickBooks id the sync-service stored (${m.pairsByPass.link}), then by customer and number (${m.pairsByPass.customer_number}), number and amount (${m.pairsByPass.number_amount}), and customer, amount and date (${m.pairsByPass.customer_amount_date}): hash joins, never every pair. ${m.sourceItems} platform and ${m.qboItems} QuickBooks documents; ${m.unmatchedSource} and ${m.unmatchedQbo} unmatched; ${m.openingSource} and ${m.openingQbo} in the opening balance.`,
    ],
    [
      'Classification',
      `Every difference of a document's open amount is classified (missing, duplicated, voided, other customer, amount, open balance, bucket) unless it is within the tolerance of ${run.tolerance} ${run.currency}; tolerated differences (${result.toleratedDifference}) still count in every total. Difference is always platform - QuickBooks.`,
    ],
    [
      'Tie-out',
      `Checked at the end of the run, to the minor unit with exact decimal arithmetic: each bucket's difference is its platform amount less its QuickBooks amount; total platform - total QuickBooks = sum of bucket differences = sum of discrepancies + tolerated; customers add up to the buckets. A run that does not tie out fails and has no report.`,
    ],
    [
      'Data hash',
      `SHA-256 of the run's canonical data: JSON with object keys sorted and no whitespace (RFC 8785), money as decimal strings with the currency's digits, of {customers, discrepancies, run}, where run holds the tenant, realm, date, basis, periods, currency, tolerance, in-sync point and the results (not the run id or times). GET …/reconciliations/${run.id}/verify recomputes it and the hashes of this file and the CSV.`,
    ],
  ];
  for (const [title, body] of notes) {
    if (flow.doc) {
      text(flow.doc, title, MARGIN, flow.y, { size: 9, bold: true });
      flow.doc.font('Helvetica').fontSize(8).fillColor('black').text(winAnsi(body), MARGIN + 95, flow.y, { width: CONTENT - 95, lineGap: 1.5 });
    }
    // Every note fits in five lines at this width; the page has room for all of them.
    flow.y += 74;
  }
}

interface TextStyle {
  size: number;
  bold?: boolean;
  mono?: boolean;
  color?: string;
  /** Truncate with an ellipsis to this width (points). */
  width?: number;
}

/** One line of text at (x, y), never wrapped (pdfkit's wrapper is slow and could break pages). */
function text(doc: Doc, value: string, x: number, y: number, style: TextStyle): void {
  const font = style.mono ? 'Courier' : style.bold ? 'Helvetica-Bold' : 'Helvetica';
  doc.font(font).fontSize(style.size).fillColor(style.color ?? 'black');
  let line = winAnsi(value);
  if (style.width !== undefined && widthOf(doc, font, style.size, line) > style.width) line = truncate(doc, font, style.size, line, style.width);
  doc.text(line, x, y, { lineBreak: false });
}

/** One line ending at `xRight`. */
function right(doc: Doc, value: string, xRight: number, y: number, style: TextStyle): void {
  const font = style.bold ? 'Helvetica-Bold' : 'Helvetica';
  doc.font(font).fontSize(style.size).fillColor(style.color ?? 'black');
  const line = winAnsi(value);
  doc.text(line, xRight - widthOf(doc, font, style.size, line), y, { lineBreak: false });
}

/**
 * Advance widths per character (1000 units per em), measured once per font from pdfkit's own metrics. pdfkit's
 * widthOfString also looks up a kerning pair for every two characters, which made measuring most of the render time;
 * kerning moves a line by a fraction of a point, which neither truncation nor right alignment needs.
 */
const advanceTables = new Map<string, Map<number, number>>();

function widthOf(doc: Doc, font: string, size: number, line: string): number {
  let table = advanceTables.get(font);
  if (!table) advanceTables.set(font, (table = new Map()));
  let units = 0;
  for (let i = 0; i < line.length; i++) {
    const code = line.charCodeAt(i);
    let advance = table.get(code);
    if (advance === undefined) {
      // The caller has just set this font and size on the document.
      advance = (doc.widthOfString(line[i]) * 1000) / size;
      table.set(code, advance);
    }
    units += advance;
  }
  return (units * size) / 1000;
}

function truncate(doc: Doc, font: string, size: number, line: string, width: number): string {
  const room = width - widthOf(doc, font, size, '…');
  let used = 0;
  let end = 0;
  while (end < line.length) {
    const next = used + widthOf(doc, font, size, line[end]);
    if (next > room) break;
    used = next;
    end++;
  }
  return `${line.slice(0, end)}…`;
}

/**
 * The standard PDF fonts speak WinAnsi only; anything else (and control characters, which would break lines) is
 * shown as `?`, so a customer name in another script never corrupts the file.
 */
function winAnsi(value: string): string {
  return value.replace(/[^\x20-\x7e\xa0-\xff‘’“”–—•…€™]/g, (ch) => (ch === '\n' || ch === '\t' ? ' ' : '?'));
}
