/** The three kinds of A/R document both sides hold. */
export type TxnKind = 'invoice' | 'credit-memo' | 'payment';

export const TXN_KINDS: readonly TxnKind[] = [
  'invoice',
  'credit-memo',
  'payment',
];

/**
 * One document of either side as of the run date. Amounts are whole minor units (cents) as `bigint`: exact,
 * and cheap enough for a million documents; they become `Money` in every result.
 */
export interface LedgerItem {
  kind: TxnKind;
  /** The side's own id: the platform's source id, or the QuickBooks Id. */
  id: string;
  /** The side's own customer id. */
  customerId: string;
  /** Document number (invoice / credit memo) or payment reference; used for blocking, never trusted alone. */
  number?: string;
  /** `YYYY-MM-DD`: issue date, payment date. */
  txnDate: string;
  /** `YYYY-MM-DD`: due date for invoices; credits and payments are due on their own date. */
  dueDate: string;
  /** What the document is for, a positive magnitude, minor units. */
  totalMinor: bigint;
  /**
   * Its A/R as of the run date, signed, minor units: an invoice's open amount is ≥ 0; a credit memo's remaining
   * credit and a payment's unapplied amount are ≤ 0 (they reduce what the customer owes).
   */
  openMinor: bigint;
}

export interface SourceItem extends LedgerItem {
  /** The QuickBooks Id the sync-service stored for it (`sync_link`), if pushed. */
  qboId?: string;
  /**
   * Part of the opening balance: dated before the in-sync point and not marked go. Such documents were never
   * pushed; only their totals are compared with QuickBooks' own pre-cut-over documents.
   */
  opening?: boolean;
}

export interface QboItem extends LedgerItem {
  /** Voided in QuickBooks: kept on file with its amounts zeroed. */
  voided?: boolean;
}

/** What the source ledger says about the document a QuickBooks Id is linked to, for plain-language notes. */
export interface LinkedSourceInfo {
  sourceId: string;
  /** e.g. `cancelled`, `draft`, `no-go`, `voided`. */
  state: string;
}

/** Key of a QuickBooks document in `linkedSources`: `<kind>:<QuickBooks Id>`. */
export const qboKey = (kind: TxnKind, qboId: string): string =>
  `${kind}:${qboId}`;
