import type { Money } from '../money/money';
import type { TxnKind } from './ledger-item';

/** Why a document (or an opening balance) does not agree; the same names as `arbiter.recon.discrepancies.v1`. */
export type DiscrepancyKind =
  | 'missing_in_qbo'
  | 'missing_in_source'
  | 'amount_mismatch'
  | 'balance_mismatch'
  | 'customer_mismatch'
  | 'voided_in_qbo'
  | 'duplicate_in_qbo'
  | 'bucket_mismatch';

/** In the order reports group them: what is missing first, then what is wrong, then where it sits. */
export const DISCREPANCY_KINDS: readonly DiscrepancyKind[] = [
  'missing_in_qbo',
  'missing_in_source',
  'duplicate_in_qbo',
  'voided_in_qbo',
  'customer_mismatch',
  'amount_mismatch',
  'balance_mismatch',
  'bucket_mismatch',
];

/** What a person should do about each kind; shown on the run, in the PDF and the CSV. */
export const SUGGESTED_ACTIONS: Readonly<Record<DiscrepancyKind, string>> = {
  missing_in_qbo:
    'Push the document to QuickBooks (resync from the problem queue), or mark it no-go if it must not be there.',
  missing_in_source:
    'Find who entered it in QuickBooks: record it on the platform, or void it in QuickBooks.',
  duplicate_in_qbo:
    'Void the duplicate in QuickBooks and keep the linked original; move any payment applied to it first.',
  voided_in_qbo:
    'Re-push the document to reinstate it in QuickBooks, or cancel it on the platform if the void was right.',
  customer_mismatch:
    'Move the document to the linked customer in QuickBooks, or fix the customer mapping and resync.',
  amount_mismatch:
    'Compare the lines: re-push the platform version (sparse update) or correct the platform document.',
  balance_mismatch:
    'Import payments from QuickBooks or push the missing payment or credit; check how they are applied.',
  bucket_mismatch:
    'Align the due date (terms) in QuickBooks with the platform document.',
};

export const OPENING_BALANCE_ACTION =
  'Review the opening balance entered in QuickBooks before the in-sync point against the platform’s pre-cut-over documents.';

/**
 * One flagged difference. `difference = sourceAmount − qboAmount`, an absent side counting as zero, so the
 * discrepancies of a run (with its tolerated differences) add up to its total difference.
 */
export interface Discrepancy {
  kind: DiscrepancyKind;
  /** Absent for an opening-balance difference, which concerns a customer's pre-cut-over total, not a document. */
  txnKind?: TxnKind;
  /** Source customer id (absent when the QuickBooks customer is linked to none). */
  customerId?: string;
  qboCustomerId?: string;
  sourceId?: string;
  qboId?: string;
  number?: string;
  /** Open A/R on each side as of the run date (signed like `LedgerItem.openMinor`). */
  sourceAmount?: Money;
  qboAmount?: Money;
  difference: Money;
  /** Aging bucket id of the source side, or of QuickBooks when the source side is absent. */
  bucket?: string;
  /** QuickBooks' bucket when it differs from `bucket`. */
  qboBucket?: string;
  suggestedAction: string;
  /** The facts behind the classification, in plain language. */
  note: string;
}
