import { toEpochDay } from '../aging/calendar-day';
import type { QboItem, SourceItem, TxnKind } from './ledger-item';

/** How a pair was found, strongest first. */
export type MatchPass =
  | 'link'
  | 'customer_number'
  | 'number_amount'
  | 'customer_amount_date';

export const MATCH_PASSES: readonly MatchPass[] = [
  'link',
  'customer_number',
  'number_amount',
  'customer_amount_date',
];

export interface MatchOptions {
  /** Source customer id → QuickBooks customer id. */
  customerLinks: ReadonlyMap<string, string>;
  /** QuickBooks documents dated before it that no link claims are opening balance, never matched. */
  inSyncPoint?: string | null;
}

export interface Matching {
  /** Per source item: index of its QuickBooks partner, or -1. */
  partnerOfSource: Int32Array;
  /** Per QuickBooks item: index of its source partner, or -1. */
  partnerOfQbo: Int32Array;
  /** Per source item with a partner: index into MATCH_PASSES of the pass that paired it. */
  passOfSource: Uint8Array;
  /** Per QuickBooks item: 1 when it is part of the opening balance (dated before the in-sync point, unlinked). */
  qboOpening: Uint8Array;
  /**
   * Per unmatched QuickBooks item: index of the QuickBooks item it duplicates (same kind, customer and number,
   * or same kind, number and amount, as one that is matched or dated earlier), or -1.
   */
  duplicateOf: Int32Array;
  /** Source items whose stored QuickBooks Id is not among the QuickBooks documents. */
  brokenLinks: number;
  pairsByPass: Record<MatchPass, number>;
}

const NONE = -1;

/** Document numbers compare without case or blanks: `inv 1001` and `INV-1001` stay different, `Inv1001 ` does not. */
const normalNumber = (number: string | undefined): string =>
  number === undefined || number === ''
    ? ''
    : /[\sa-z]/.test(number)
      ? number.replace(/\s+/g, '').toUpperCase()
      : number;

/**
 * QuickBooks Ids are decimal digits: as numbers they key a Map much faster than as strings (a million lookups per
 * run). Returns -1 for anything else (and for leading zeros, so "07" never meets "7"), which then keys by string.
 */
function numericId(id: string): number {
  if (
    id.length === 0 ||
    id.length > 15 ||
    (id.length > 1 && id.charCodeAt(0) === 48)
  )
    return -1;
  let value = 0;
  for (let i = 0; i < id.length; i++) {
    const digit = id.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/** QuickBooks items of one kind by Id. */
class IdIndex {
  private readonly numeric = new Map<number, number>();
  private readonly other = new Map<string, number>();

  set(id: string, index: number): void {
    const n = numericId(id);
    if (n >= 0) this.numeric.set(n, index);
    else this.other.set(id, index);
  }

  get(id: string): number | undefined {
    const n = numericId(id);
    return n >= 0 ? this.numeric.get(n) : this.other.get(id);
  }
}

/**
 * Pairs source and QuickBooks documents in passes, each a hash join on a blocking key, so the work is linear in
 * the number of documents, never all pairs:
 *
 * 1. `link`: the QuickBooks Id the sync-service stored for the source document.
 * 2. `customer_number`: same kind, linked customer and document number.
 * 3. `number_amount`: same kind, number and amount, any customer (finds documents filed under the wrong customer).
 * 4. `customer_amount_date`: same kind, linked customer, amount and date (payments without a reference).
 *
 * Within a block the candidate with the same amount wins, then the nearest date, then input order. Opening-balance
 * source items are never matched; QuickBooks items dated before the in-sync point are matched only by link.
 * Afterwards, an unmatched QuickBooks document that repeats a matched (or earlier unmatched) one's number is marked
 * as its duplicate.
 */
export function matchItems(
  source: readonly SourceItem[],
  qbo: readonly QboItem[],
  options: MatchOptions,
): Matching {
  const partnerOfSource = new Int32Array(source.length).fill(NONE);
  const partnerOfQbo = new Int32Array(qbo.length).fill(NONE);
  const passOfSource = new Uint8Array(source.length);
  const qboOpening = new Uint8Array(qbo.length);
  const duplicateOf = new Int32Array(qbo.length).fill(NONE);
  const pairsByPass: Record<MatchPass, number> = {
    link: 0,
    customer_number: 0,
    number_amount: 0,
    customer_amount_date: 0,
  };
  const pair = (s: number, q: number, pass: number): void => {
    partnerOfSource[s] = q;
    partnerOfQbo[q] = s;
    passOfSource[s] = pass;
    pairsByPass[MATCH_PASSES[pass]]++;
  };

  // Pass 1: by link. One id index per kind, so no key is built per document.
  const byId: Record<TxnKind, IdIndex> = {
    invoice: new IdIndex(),
    'credit-memo': new IdIndex(),
    payment: new IdIndex(),
  };
  for (let q = 0; q < qbo.length; q++) byId[qbo[q].kind].set(qbo[q].id, q);
  let brokenLinks = 0;
  for (let s = 0; s < source.length; s++) {
    const item = source[s];
    if (item.opening || item.qboId === undefined) continue;
    const q = byId[item.kind].get(item.qboId);
    if (q === undefined) brokenLinks++;
    else if (partnerOfQbo[q] === NONE) pair(s, q, 0);
  }

  const cutOver = options.inSyncPoint ?? null;
  const open: number[] = [];
  for (let q = 0; q < qbo.length; q++) {
    if (partnerOfQbo[q] !== NONE) continue;
    if (cutOver !== null && qbo[q].txnDate < cutOver) qboOpening[q] = 1;
    else open.push(q);
  }
  const waiting: number[] = [];
  for (let s = 0; s < source.length; s++)
    if (partnerOfSource[s] === NONE && !source[s].opening) waiting.push(s);

  const links = options.customerLinks;
  const blockingKeys: ((
    item: SourceItem | QboItem,
    qboCustomer: string | undefined,
  ) => string | undefined)[] = [
    (item, customer) => {
      const number = normalNumber(item.number);
      return customer !== undefined && number !== ''
        ? `${item.kind}\u0000${customer}\u0000${number}`
        : undefined;
    },
    (item) => {
      const number = normalNumber(item.number);
      return number !== ''
        ? `${item.kind}\u0000${number}\u0000${item.totalMinor}`
        : undefined;
    },
    (item, customer) =>
      customer !== undefined
        ? `${item.kind}\u0000${customer}\u0000${item.totalMinor}\u0000${item.txnDate}`
        : undefined,
  ];
  for (let k = 0; k < blockingKeys.length && waiting.length > 0; k++) {
    const keyOf = blockingKeys[k];
    const blocks = new Map<string, Block>();
    for (const q of open) {
      if (partnerOfQbo[q] !== NONE) continue;
      const key = keyOf(qbo[q], qbo[q].customerId);
      if (key === undefined) continue;
      const block = blocks.get(key);
      if (block) block.items.push(q);
      else blocks.set(key, { items: [q], start: 0 });
    }
    if (blocks.size === 0) continue;
    for (const s of waiting) {
      if (partnerOfSource[s] !== NONE) continue;
      const item = source[s];
      const key = keyOf(item, links.get(item.customerId));
      const block = key === undefined ? undefined : blocks.get(key);
      if (!block) continue;
      const q = bestCandidate(item, block, qbo, partnerOfQbo);
      if (q !== NONE) pair(s, q, k + 1);
    }
  }

  markDuplicates(qbo, open, partnerOfQbo, duplicateOf);
  return {
    partnerOfSource,
    partnerOfQbo,
    passOfSource,
    qboOpening,
    duplicateOf,
    brokenLinks,
    pairsByPass,
  };
}

/**
 * QuickBooks candidates sharing a blocking key, in input order. `start` skips the paired ones at the front: blocks
 * can be large (thousands of reference-less payments of one customer, one amount and one day share a
 * `customer_amount_date` key), and rescanning paired candidates for every source item made such a block quadratic.
 */
interface Block {
  items: number[];
  start: number;
}

/**
 * Same amount first, then nearest date, then earliest in the block. A candidate with the same amount and date
 * cannot be beaten (a later one could only tie, and ties go to the earliest), so the scan stops there: with the
 * skipped prefix, a block of identical candidates costs O(1) per source item instead of O(block).
 */
function bestCandidate(
  item: SourceItem,
  block: Block,
  qbo: readonly QboItem[],
  partnerOfQbo: Int32Array,
): number {
  const items = block.items;
  while (block.start < items.length && partnerOfQbo[items[block.start]] !== NONE)
    block.start++;
  let best = NONE;
  let bestScore = Number.POSITIVE_INFINITY;
  const day = toEpochDay(item.txnDate);
  for (let i = block.start; i < items.length; i++) {
    const q = items[i];
    if (partnerOfQbo[q] !== NONE) continue;
    const candidate = qbo[q];
    // Amount dominates: any date distance (≤ 10^7 days) is smaller than one amount step.
    const score =
      (candidate.totalMinor === item.totalMinor ? 0 : 1e8) +
      (candidate.txnDate === item.txnDate
        ? 0
        : Math.abs(toEpochDay(candidate.txnDate) - day));
    if (score < bestScore) {
      best = q;
      bestScore = score;
      if (score === 0) break;
    }
  }
  return best;
}

/**
 * An unmatched QuickBooks document is a duplicate when a matched one has the same kind, customer and number (or
 * kind, number and amount); among unmatched ones sharing a key, the earliest (date, then Id order in the input)
 * is the original and the rest duplicate it. Keys are built for matched documents only when some unmatched one
 * has a number, so a clean run pays nothing.
 */
function markDuplicates(
  qbo: readonly QboItem[],
  candidates: readonly number[],
  partnerOfQbo: Int32Array,
  duplicateOf: Int32Array,
): void {
  const keysOf = (item: QboItem): string[] => {
    const number = normalNumber(item.number);
    return number === ''
      ? []
      : [
          `${item.kind}\u0000c\u0000${item.customerId}\u0000${number}`,
          `${item.kind}\u0000a\u0000${number}\u0000${item.totalMinor}`,
        ];
  };
  const unmatched = candidates
    .filter((q) => partnerOfQbo[q] === NONE && !qbo[q].voided)
    .sort(
      (a, b) =>
        (qbo[a].txnDate < qbo[b].txnDate
          ? -1
          : qbo[a].txnDate > qbo[b].txnDate
            ? 1
            : 0) || a - b,
    );
  const byKey = new Map<string, number[]>();
  for (const q of unmatched)
    for (const key of keysOf(qbo[q])) {
      const list = byKey.get(key);
      if (list) list.push(q);
      else byKey.set(key, [q]);
    }
  if (byKey.size === 0) return;
  const numbers = new Set(unmatched.map((q) => normalNumber(qbo[q].number)));
  for (let q = 0; q < qbo.length; q++) {
    if (partnerOfQbo[q] === NONE || !numbers.has(normalNumber(qbo[q].number)))
      continue;
    for (const key of keysOf(qbo[q]))
      for (const dup of byKey.get(key) ?? [])
        if (duplicateOf[dup] === NONE) duplicateOf[dup] = q;
  }
  for (const list of byKey.values()) {
    const original = list.find((q) => duplicateOf[q] === NONE);
    for (const q of list)
      if (q !== original && duplicateOf[q] === NONE && original !== undefined)
        duplicateOf[q] = original;
  }
}
