import { Company } from '../company-store';
import { BASE_IDS } from '../entities/base-company';
import { WriteContext } from '../entities/entity-kind';
import { createEntity } from '../entities/entity-operations';
import { readDecimal } from '../entities/fields';
import { JsonObject } from '../json/exact-json';
import { Dec, ZERO, toCents } from '../money';
import { addDays } from '../time/company-time';

export interface SeedOptions {
  /** Same seed + same counts + same asOf → the same objects, Ids and amounts. */
  seed: number;
  customers: number;
  items: number;
  invoices: number;
  /** How many payments to receive against random open invoices (some partial). */
  payments: number;
  /** Invoices are dated within `spreadDays` before this date. */
  asOf: string;
  spreadDays: number;
}

const FIRST = ['Amy', 'Bill', 'Cool', 'Diego', 'Dukes', 'Freeman', 'Geeta', 'Jeff', 'John', 'Kate', 'Mark', 'Paulsen', 'Red', 'Rondonuwu', 'Shara', 'Sonnenschein', 'Sushi', 'Travis', 'Video', 'Weiskopf'];
const SECOND = ['Bird Sanctuary', 'Windsurf Shop', 'Cars', 'Rodriguez', 'Basketball', 'Sporting Goods', 'Photography', 'Chin Auto', 'Melton', 'Whelan', 'Cho', 'Medical', 'Rock Diner', 'Fruit Company', 'Barnett Design', 'Family Store', 'by Katsuyuki', 'Waldron', 'Games by Dan', 'Consulting'];
const ITEMS = ['Consulting', 'Design', 'Installation', 'Maintenance', 'Training', 'Gardening', 'Pest Control', 'Hours', 'Lighting', 'Rocks', 'Sod', 'Sprinkler Heads', 'Pump', 'Concrete', 'Deck Lumber'];
const TERMS = [BASE_IDS.terms.dueOnReceipt, BASE_IDS.terms.net15, BASE_IDS.terms.net30, BASE_IDS.terms.net60];

/** mulberry32: deterministic for a seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Fills a company with customers, items, invoices and payments through the same rules as the API
 * (so balances, links and indexes are consistent), without webhooks or the close-date check.
 * Money is generated in whole cents.
 */
export function seedCompany(company: Company, options: SeedOptions): { customers: string[]; items: string[]; invoices: string[]; payments: string[] } {
  const rnd = prng(options.seed);
  const int = (min: number, max: number) => min + Math.floor(rnd() * (max - min + 1));
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)];
  const ctx: WriteContext = { company, now: company.now(), include: new Set(), actor: 'seed' };

  const customers: string[] = [];
  for (let i = 0; i < options.customers; i += 1) {
    let name = `${pick(FIRST)} ${pick(SECOND)}`;
    if (company.idForName('Customer', name) !== undefined) name = `${name} ${i + 1}`;
    const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '.');
    const body: JsonObject = {
      DisplayName: name,
      CompanyName: name,
      PrimaryEmailAddr: { Address: `${slug}@example.com` },
      BillAddr: { Line1: `${int(1, 9999)} Main St.`, City: 'Bayshore', CountrySubDivisionCode: 'CA', PostalCode: String(int(94000, 94999)) },
      SalesTermRef: { value: pick(TERMS) },
    };
    customers.push(createEntity(ctx, 'Customer', body).id);
  }

  const items: string[] = [BASE_IDS.items.services];
  for (let i = 0; i < options.items; i += 1) {
    let name = pick(ITEMS);
    if (company.idForName('Item', name) !== undefined) name = `${name} ${i + 1}`;
    const body: JsonObject = {
      Name: name,
      Type: 'Service',
      UnitPrice: new Dec(int(500, 25000)).dividedBy(100),
      IncomeAccountRef: { value: BASE_IDS.accounts.services },
    };
    items.push(createEntity(ctx, 'Item', body).id);
  }

  const invoices: string[] = [];
  if (customers.length > 0) {
    for (let i = 0; i < options.invoices; i += 1) {
      const lines: JsonObject[] = [];
      for (let l = int(1, 3); l > 0; l -= 1) {
        const itemId = pick(items);
        const item = company.get('Item', itemId);
        const price = readDecimal(item?.data ?? {}, 'UnitPrice');
        const unitPrice = price && price.gt(0) ? price : new Dec(int(2000, 40000)).dividedBy(100);
        const qty = new Dec(int(1, 10));
        lines.push({
          DetailType: 'SalesItemLineDetail',
          Amount: toCents(qty.times(unitPrice)),
          SalesItemLineDetail: { ItemRef: { value: itemId }, Qty: qty, UnitPrice: unitPrice },
        });
      }
      const body: JsonObject = {
        CustomerRef: { value: pick(customers) },
        TxnDate: addDays(options.asOf, -int(0, options.spreadDays)),
        Line: lines,
      };
      invoices.push(createEntity(ctx, 'Invoice', body).id);
    }
  }

  const payments: string[] = [];
  for (let i = 0; i < options.payments && invoices.length > 0; i += 1) {
    const invoice = company.get('Invoice', pick(invoices));
    const balance = readDecimal(invoice?.data ?? {}, 'Balance') ?? ZERO;
    if (!invoice || balance.lte(0)) continue;
    const partial = rnd() < 0.4;
    const amount = partial ? toCents(balance.times(int(10, 90)).dividedBy(100)) : balance;
    if (amount.lte(0)) continue;
    const txnDate = String(invoice.data['TxnDate']);
    const paidOn = addDays(txnDate, int(0, 60));
    const body: JsonObject = {
      CustomerRef: invoice.data['CustomerRef'],
      TotalAmt: amount,
      TxnDate: paidOn > options.asOf ? options.asOf : paidOn,
      PaymentRefNum: String(int(1000, 9999)),
      Line: [{ Amount: amount, LinkedTxn: [{ TxnId: invoice.id, TxnType: 'Invoice' }] }],
    };
    payments.push(createEntity(ctx, 'Payment', body).id);
  }
  company.discardChanges();
  return { customers, items, invoices, payments };
}
