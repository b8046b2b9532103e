import { Decimal } from 'decimal.js';
import { Company, EntityRecord } from '../company-store';
import { applicationsOf } from '../entities/applications';
import { displayNameOf } from '../entities/entity-kind';
import { readDate, readDecimal, readRef, readString } from '../entities/fields';
import { agingFromTxnDate } from '../entities/preferences';
import { ZERO } from '../money';
import { Faults } from '../qbo-fault';
import { addDays, daysBetween, isIsoDate } from '../time/company-time';

/**
 * A/R aging shared by AgedReceivables and AgedReceivableDetail (reference §9). Open items as of the
 * report date are invoices (positive), credit memos and unapplied payments (negative); each is aged
 * by days past due (or past the transaction date with ReportPrefs.CalcAgingReportFromTxnDate)
 * into Current, (num_periods − 1) bounded periods of aging_period days, and "N and over".
 */

export interface AgingParams {
  reportDate: string;
  /** The date ages are measured to: the report date, or today with aging_method=Current. */
  ageDate: string;
  agingPeriod: number;
  numPeriods: number;
  customerIds?: ReadonlySet<string>;
  termIds?: ReadonlySet<string>;
  startDueDate?: string;
  endDueDate?: string;
  /** Only items at least this many days past due. */
  pastDue?: number;
  dateMacro?: string;
  startPeriod?: string;
  customerParam?: string;
  descending: boolean;
}

export type TxnTypeLabel = 'Invoice' | 'Credit Memo' | 'Payment';

export interface OpenItem {
  record: EntityRecord;
  txnType: TxnTypeLabel;
  customerId: string;
  customerName: string;
  txnDate: string;
  dueDate: string;
  docNumber: string;
  termId?: string;
  /** Signed: invoices positive, credits and payments negative. Cents. */
  amount: Decimal;
  open: Decimal;
  daysPastDue: number;
  /** 0 = Current, 1..numPeriods-1 bounded periods, numPeriods = "and over". */
  bucket: number;
}

const int = (name: string, raw: string | null, fallback: number, min: number, max: number): number => {
  if (raw === null || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw Faults.invalidProperty(`${name} must be a whole number from ${min} to ${max}`, name);
  }
  return Number(raw);
};

const date = (name: string, raw: string | null): string | undefined => {
  if (raw === null || raw === '') return undefined;
  if (!isIsoDate(raw)) throw Faults.invalidProperty(`${name} must be a date (YYYY-MM-DD)`, name);
  return raw;
};

const idSet = (raw: string | null): Set<string> | undefined =>
  raw ? new Set(raw.split(',').map((s) => s.trim()).filter(Boolean)) : undefined;

/** Reads report parameters. @throws QboFault 2010 / 2170 for malformed values */
export function agingParams(company: Company, q: URLSearchParams): AgingParams {
  const today = company.today();
  const macro = q.get('date_macro') ?? undefined;
  const period = macro ? macroPeriod(macro, today) : undefined;
  const reportDate = date('report_date', q.get('report_date')) ?? period?.end ?? today;
  const method = (q.get('aging_method') ?? 'Report_Date').toLowerCase();
  if (method !== 'report_date' && method !== 'current') throw Faults.invalidEnumeration('aging_method', q.get('aging_method') ?? '');
  const sortOrder = (q.get('sort_order') ?? 'ascend').toLowerCase();
  return {
    reportDate,
    ageDate: method === 'current' ? today : reportDate,
    agingPeriod: int('aging_period', q.get('aging_period'), 30, 1, 999),
    numPeriods: int('num_periods', q.get('num_periods'), 4, 1, 100),
    customerIds: idSet(q.get('customer')),
    termIds: idSet(q.get('term')),
    startDueDate: date('start_duedate', q.get('start_duedate')),
    endDueDate: date('end_duedate', q.get('end_duedate')),
    pastDue: q.get('past_due') ? int('past_due', q.get('past_due'), 0, 0, 100_000) : undefined,
    dateMacro: macro,
    startPeriod: period?.start,
    customerParam: q.get('customer') ?? undefined,
    descending: sortOrder === 'descend' || sortOrder === 'desc',
  };
}

/** The period a date_macro names, relative to the company's today. @throws QboFault 2170 */
function macroPeriod(macro: string, today: string): { start: string; end: string } {
  const [y, m] = today.split('-').map(Number);
  const monthStart = (yy: number, mm: number) => `${yy}-${String(mm).padStart(2, '0')}-01`;
  const monthEnd = (yy: number, mm: number) => addDays(mm === 12 ? monthStart(yy + 1, 1) : monthStart(yy, mm + 1), -1);
  const weekday = new Date(`${today}T00:00:00Z`).getUTCDay(); // 0 = Sunday: QuickBooks weeks run Sunday–Saturday
  const weekStart = addDays(today, -weekday);
  const quarterStartMonth = Math.floor((m - 1) / 3) * 3 + 1;
  switch (macro.toLowerCase()) {
    case 'today':
      return { start: today, end: today };
    case 'yesterday':
      return { start: addDays(today, -1), end: addDays(today, -1) };
    case 'this week':
      return { start: weekStart, end: addDays(weekStart, 6) };
    case 'this week-to-date':
      return { start: weekStart, end: today };
    case 'last week':
      return { start: addDays(weekStart, -7), end: addDays(weekStart, -1) };
    case 'this month':
      return { start: monthStart(y, m), end: monthEnd(y, m) };
    case 'this month-to-date':
      return { start: monthStart(y, m), end: today };
    case 'last month':
      return m === 1 ? { start: monthStart(y - 1, 12), end: monthEnd(y - 1, 12) } : { start: monthStart(y, m - 1), end: monthEnd(y, m - 1) };
    case 'this quarter':
      return { start: monthStart(y, quarterStartMonth), end: monthEnd(y, quarterStartMonth + 2) };
    case 'this year':
    case 'this calendar year':
    case 'this fiscal year':
      return { start: `${y}-01-01`, end: `${y}-12-31` };
    case 'this year-to-date':
    case 'this calendar year-to-date':
    case 'this fiscal year-to-date':
      return { start: `${y}-01-01`, end: today };
    case 'last year':
    case 'last calendar year':
    case 'last fiscal year':
      return { start: `${y - 1}-01-01`, end: `${y - 1}-12-31` };
    default:
      throw Faults.invalidEnumeration('date_macro', macro);
  }
}

/** Column titles: "Current", "1 - 30", …, "91 and over" (spaced hyphens, as Intuit renders them). */
export function bucketTitles(params: AgingParams): string[] {
  const titles = ['Current'];
  for (let i = 1; i < params.numPeriods; i += 1) titles.push(`${(i - 1) * params.agingPeriod + 1} - ${i * params.agingPeriod}`);
  titles.push(`${(params.numPeriods - 1) * params.agingPeriod + 1} and over`);
  return titles;
}

export function bucketOf(daysPastDue: number, params: AgingParams): number {
  if (daysPastDue <= 0) return 0;
  return Math.min(Math.ceil(daysPastDue / params.agingPeriod), params.numPeriods);
}

/** Σ applied to a target by payments dated on or before the report date (history as of that date). */
function appliedAsOf(company: Company, key: string, reportDate: string): Decimal {
  const byPayment = company.applications.get(key);
  if (!byPayment) return ZERO;
  let total = ZERO;
  for (const [paymentId, amount] of byPayment) {
    const payment = company.live('Payment', paymentId);
    const paid = payment ? readDate(payment.data, 'TxnDate') : undefined;
    if (paid !== undefined && paid <= reportDate) total = total.plus(amount);
  }
  return total;
}

/** Every open A/R item as of the report date, filtered, aged and bucketed. */
export function openItems(company: Company, params: AgingParams): OpenItem[] {
  const fromTxnDate = agingFromTxnDate(company);
  const items: OpenItem[] = [];
  const consider = (record: EntityRecord, txnType: TxnTypeLabel, amount: Decimal, open: Decimal, dueDate: string) => {
    if (open.isZero()) return;
    const customerId = readRef(record.data, 'CustomerRef') ?? '';
    if (params.customerIds && !params.customerIds.has(customerId)) return;
    const termId = readRef(record.data, 'SalesTermRef');
    if (params.termIds && !(termId && params.termIds.has(termId))) return;
    if (params.startDueDate && dueDate < params.startDueDate) return;
    if (params.endDueDate && dueDate > params.endDueDate) return;
    const txnDate = readDate(record.data, 'TxnDate') ?? '';
    const daysPastDue = daysBetween(fromTxnDate ? txnDate : dueDate, params.ageDate);
    if (params.pastDue !== undefined && daysPastDue < params.pastDue) return;
    const customer = company.get('Customer', customerId);
    items.push({
      record,
      txnType,
      customerId,
      customerName: (customer && displayNameOf(customer)) ?? '',
      txnDate,
      dueDate,
      docNumber: readString(record.data, txnType === 'Payment' ? 'PaymentRefNum' : 'DocNumber') ?? '',
      termId,
      amount,
      open,
      daysPastDue,
      bucket: bucketOf(daysPastDue, params),
    });
  };

  for (const inv of company.liveRecords('Invoice')) {
    const txnDate = readDate(inv.data, 'TxnDate');
    if (inv.state !== 'active' || !txnDate || txnDate > params.reportDate) continue;
    const total = readDecimal(inv.data, 'TotalAmt') ?? ZERO;
    const deposit = readDecimal(inv.data, 'Deposit') ?? ZERO;
    const open = total.minus(deposit).minus(appliedAsOf(company, `Invoice:${inv.id}`, params.reportDate));
    consider(inv, 'Invoice', total, open, readDate(inv.data, 'DueDate') ?? txnDate);
  }
  for (const cm of company.liveRecords('CreditMemo')) {
    const txnDate = readDate(cm.data, 'TxnDate');
    if (cm.state !== 'active' || !txnDate || txnDate > params.reportDate) continue;
    const total = readDecimal(cm.data, 'TotalAmt') ?? ZERO;
    const open = total.minus(appliedAsOf(company, `CreditMemo:${cm.id}`, params.reportDate));
    consider(cm, 'Credit Memo', total.negated(), open.negated(), txnDate);
  }
  for (const pay of company.liveRecords('Payment')) {
    const txnDate = readDate(pay.data, 'TxnDate');
    if (pay.state !== 'active' || !txnDate || txnDate > params.reportDate) continue;
    // A payment's lines all take effect on its own date, so as of any later date its unapplied part is current.
    const apps = applicationsOf(pay.data);
    const applied = apps.reduce((acc, a) => (a.targetType === 'Invoice' ? acc.plus(a.amount) : acc.minus(a.amount)), ZERO);
    const total = readDecimal(pay.data, 'TotalAmt') ?? ZERO;
    consider(pay, 'Payment', total.negated(), total.minus(applied).negated(), txnDate);
  }
  return items;
}

export function reportHeader(company: Company, reportName: string, params: AgingParams, hasData: boolean): Record<string, unknown> {
  const header: Record<string, unknown> = { Time: company.formatTime(company.now()), ReportName: reportName };
  if (params.dateMacro) header['DateMacro'] = params.dateMacro.toLowerCase();
  if (params.startPeriod) header['StartPeriod'] = params.startPeriod;
  header['EndPeriod'] = params.reportDate;
  header['Currency'] = 'USD';
  if (params.customerParam) header['Customer'] = params.customerParam;
  header['Option'] = [
    { Name: 'report_date', Value: params.reportDate },
    { Name: 'NoReportData', Value: hasData ? 'false' : 'true' },
  ];
  return header;
}
