import type {
  CreditMemoUpsertedV1,
  CustomerUpsertedV1,
  DocumentLineV1,
  InboundEvent,
  InvoiceStatus,
  InvoiceUpsertedV1,
  ItemUpsertedV1,
  PaymentRecordedV1,
} from '@arbiter/contracts';
import { Money, addDays, toEpochDay } from '@arbiter/domain';
import { buildDocumentLine, documentTotal } from './document-line.builder';
import { type SeededRandom, seededRandom } from './seeded-random';

export interface ReceivablesMonthOptions {
  seed: number | string;
  tenantId?: string;
  /** `YYYY-MM`; the month whose last day is the as-of date. Default `2026-10`. */
  month?: string;
  currency?: string;
  customerCount?: number;
  /** How many catalogue items to use, at most 12. */
  itemCount?: number;
  /** Invoices issued within the month. */
  invoiceCount?: number;
  /** Invoices issued in the 120 days before the month: what fills the older aging buckets. */
  backlogInvoiceCount?: number;
}

/** An approved, not cancelled invoice with money still owed on it as of the last day of the month. */
export interface OpenInvoice {
  invoiceId: string;
  customerId: string;
  issueDate: string;
  dueDate: string;
  total: string;
  open: string;
}

/** Money received or credited but not applied to any invoice: a credit on the customer's account. */
export interface UnappliedCredit {
  customerId: string;
  sourceType: 'payment' | 'credit-memo';
  sourceId: string;
  amount: string;
}

export interface ReceivablesMonth {
  tenantId: string;
  currency: string;
  /** First day on which a document was issued (120 days before the month). */
  from: string;
  /** Last day of the month: the month-end reconciliation date. */
  asOf: string;
  /** Every event, in publishing order: by `occurredAt`, and for one entity by `entityVersion`. */
  events: InboundEvent[];
  customers: CustomerUpsertedV1[];
  items: ItemUpsertedV1[];
  /** The latest upsert of each invoice (cancelled ones included, see `cancelledInvoiceIds`). */
  invoices: InvoiceUpsertedV1[];
  payments: PaymentRecordedV1[];
  creditMemos: CreditMemoUpsertedV1[];
  cancelledInvoiceIds: string[];
  voidedPaymentIds: string[];
  /** The expected source-side receivables as of `asOf`. */
  openInvoices: OpenInvoice[];
  unappliedCredits: UnappliedCredit[];
}

type ItemKind = 'flat' | 'seat' | 'hours' | 'usage' | 'storage';

// A SaaS platform's price list. Usage rates are finer than a cent on purpose: they exercise the rounding rule.
const CATALOGUE: readonly {
  sku: string;
  name: string;
  unitPrice: string;
  kind: ItemKind;
}[] = [
  {
    sku: 'SUB-STD',
    name: 'Platform subscription, Standard',
    unitPrice: '499.00',
    kind: 'flat',
  },
  {
    sku: 'SUB-ENT',
    name: 'Platform subscription, Enterprise',
    unitPrice: '2499.00',
    kind: 'flat',
  },
  { sku: 'API-CALL', name: 'API calls', unitPrice: '0.0045', kind: 'usage' },
  {
    sku: 'SVC-HR',
    name: 'Consulting hours',
    unitPrice: '175.00',
    kind: 'hours',
  },
  { sku: 'SEAT', name: 'User seats', unitPrice: '29.99', kind: 'seat' },
  {
    sku: 'STO-GB',
    name: 'Storage, GB-month',
    unitPrice: '0.023',
    kind: 'storage',
  },
  {
    sku: 'SVC-ONB',
    name: 'Onboarding package',
    unitPrice: '1500.00',
    kind: 'flat',
  },
  {
    sku: 'SUP-PRM',
    name: 'Premium support',
    unitPrice: '350.00',
    kind: 'flat',
  },
  { sku: 'TRN-SEAT', name: 'Training seat', unitPrice: '89.95', kind: 'seat' },
  { sku: 'SMS', name: 'SMS messages', unitPrice: '0.0079', kind: 'usage' },
  { sku: 'HW-TKN', name: 'Hardware token', unitPrice: '24.95', kind: 'seat' },
  {
    sku: 'SVC-INT',
    name: 'Custom integration',
    unitPrice: '4200.00',
    kind: 'flat',
  },
];

const NAME_FIRST = [
  'Northwind',
  'Blue Harbor',
  'Cedar',
  'Summit',
  'Ironclad',
  'Lumen',
  'Maple',
  'Quartz',
  'Redwood',
  'Silverline',
  'Tidewater',
  'Orchid',
  'Granite',
  'Harbor Lane',
  'Juniper',
  'Kestrel',
];
const NAME_SECOND = [
  'Traders',
  'Logistics',
  'Health',
  'Analytics',
  'Foods',
  'Robotics',
  'Studios',
  'Partners',
  'Energy',
  'Labs',
  'Outfitters',
  'Dental',
];
const CITIES = [
  'Austin',
  'Boise',
  'Chicago',
  'Denver',
  'Fresno',
  'Halifax',
  'Leeds',
  'Madison',
  'Omaha',
  'Portland',
  'Raleigh',
  'Tacoma',
  'Toledo',
  'Tucson',
  'Wichita',
  'York',
];
const PAYMENT_METHODS = ['ach', 'ach', 'ach', 'card', 'wire', 'check'] as const;

const BACKLOG_DAYS = 120;

/** `date` at a business-hours time of day, as an ISO instant in UTC. */
const instantOn = (date: string, random: SeededRandom): string =>
  `${date}T${String(random.int(8, 17)).padStart(2, '0')}:${String(random.int(0, 59)).padStart(2, '0')}:${String(random.int(0, 59)).padStart(2, '0')}.${String(random.int(0, 999)).padStart(3, '0')}Z`;

const dayWithin = (random: SeededRandom, first: string, last: string): string =>
  addDays(first, random.int(0, toEpochDay(last) - toEpochDay(first)));

const later = (
  date: string,
  random: SeededRandom,
  minDays: number,
  maxDays: number,
): string => addDays(date, random.int(minDays, maxDays));

function quantityFor(kind: ItemKind, random: SeededRandom): string {
  switch (kind) {
    case 'flat':
      return random.chance(0.85) ? '1' : String(random.int(2, 3));
    case 'seat':
      return String(random.int(1, 50));
    case 'hours': {
      const quarters = random.int(2, 160);
      return `${Math.floor(quarters / 4)}${quarters % 4 === 0 ? '' : ['', '.25', '.5', '.75'][quarters % 4]}`;
    }
    case 'usage':
      return String(random.int(1_000, 500_000));
    case 'storage':
      return `${random.int(10, 5000)}.${random.int(0, 9)}`;
  }
}

interface Scheduled {
  at: string;
  order: number;
  event: InboundEvent;
}

/**
 * A realistic month of a platform's receivables, deterministic for a seed: customers and items, invoices issued
 * over the month and the 120 days before it (so every aging bucket fills), revisions, drafts, cancellations,
 * payments (full, partial, combined, with unapplied remainders, a few voided) and credit memos. Every event is
 * valid by construction, every payment and credit is applied within the invoice's open balance, and the
 * expected open receivables come with it.
 */
export function generateReceivablesMonth(
  options: ReceivablesMonthOptions,
): ReceivablesMonth {
  const random = seededRandom(options.seed);
  const tenantId = options.tenantId ?? 'acme';
  const currency = options.currency ?? 'USD';
  const month = options.month ?? '2026-10';
  const monthStart = `${month}-01`;
  const asOf = addDays(addDays(monthStart, 40).slice(0, 8) + '01', -1);
  const from = addDays(monthStart, -BACKLOG_DAYS);
  const money = (text: string) => Money.parse(text, currency);
  const zero = Money.zero(currency);

  const ids = random.fork('ids');
  const scheduled: Scheduled[] = [];
  const publish = (
    at: string,
    event: Omit<InboundEvent, 'eventId' | 'tenantId' | 'occurredAt'>,
  ): InboundEvent => {
    const full = {
      eventId: ids.uuid(),
      tenantId,
      occurredAt: at,
      ...event,
    } as InboundEvent;
    scheduled.push({ at, order: scheduled.length, event: full });
    return full;
  };

  // Customers and items exist before the first document.
  const setupDay = addDays(from, -1);
  const customerRandom = random.fork('customers');
  const names = customerRandom.shuffle(
    NAME_FIRST.flatMap((first) =>
      NAME_SECOND.map((second) => `${first} ${second}`),
    ),
  );
  // Past the 192 two-word names, the same names with a city: the platform serves thousands of businesses.
  // Only then is more randomness drawn, so smaller months stay exactly what they were for a seed.
  if ((options.customerCount ?? 40) > names.length)
    names.push(
      ...customerRandom.shuffle(
        CITIES.flatMap((city) =>
          NAME_FIRST.flatMap((first) =>
            NAME_SECOND.map((second) => `${first} ${second} of ${city}`),
          ),
        ),
      ),
    );
  const customerCount = Math.min(options.customerCount ?? 40, names.length);
  const customers = names.slice(0, customerCount).map((displayName, index) => {
    const id = `cus-${String(index + 1).padStart(4, '0')}`;
    const data = {
      id,
      displayName,
      billingEmail: `ap@${displayName.toLowerCase().replace(/[^a-z]+/g, '-')}.example`,
      companyName: `${displayName} Inc.`,
      currency,
      paymentTermsDays: customerRandom.weighted([
        [15, 2],
        [30, 6],
        [45, 2],
        [60, 1],
      ] as const),
      active: true,
    };
    return publish(instantOn(setupDay, customerRandom), {
      eventType: 'customer.upserted',
      entityVersion: 1,
      data,
    }) as CustomerUpsertedV1;
  });
  // Customers differ in size: a few large accounts issue most invoices.
  const customerWeights = customers.map(
    (customer) =>
      [
        customer,
        customerRandom.weighted([
          [1, 6],
          [3, 3],
          [10, 1],
        ] as const),
      ] as const,
  );
  // Two customers change their billing address during the month.
  const latestCustomers = new Map(
    customers.map((customer) => [customer.data.id, customer]),
  );
  for (const customer of customerRandom
    .shuffle(customers)
    .slice(0, Math.min(2, customers.length))) {
    const data = {
      ...customer.data,
      billingEmail: `billing@${customer.data.billingEmail?.split('@')[1] ?? 'example.test'}`,
    };
    latestCustomers.set(
      data.id,
      publish(
        instantOn(dayWithin(customerRandom, monthStart, asOf), customerRandom),
        { eventType: 'customer.upserted', entityVersion: 2, data },
      ) as CustomerUpsertedV1,
    );
  }

  const itemRandom = random.fork('items');
  const catalogue = CATALOGUE.slice(
    0,
    Math.max(
      1,
      Math.min(options.itemCount ?? CATALOGUE.length, CATALOGUE.length),
    ),
  ).map((entry, index) => ({
    ...entry,
    event: publish(instantOn(setupDay, itemRandom), {
      eventType: 'item.upserted',
      entityVersion: 1,
      data: {
        id: `item-${String(index + 1).padStart(3, '0')}`,
        sku: entry.sku,
        name: entry.name,
        unitPrice: entry.unitPrice,
        incomeAccountCode: '4000',
        active: true,
      },
    }) as ItemUpsertedV1,
  }));

  // Invoices, in issue-date order so that numbers rise with dates.
  const invoiceRandom = random.fork('invoices');
  const issueDates = [
    ...Array.from({ length: options.backlogInvoiceCount ?? 60 }, () =>
      dayWithin(invoiceRandom, from, addDays(monthStart, -1)),
    ),
    ...Array.from({ length: options.invoiceCount ?? 180 }, () =>
      dayWithin(invoiceRandom, monthStart, asOf),
    ),
  ].sort();
  const linesFor = (count: number): DocumentLineV1[] =>
    invoiceRandom
      .shuffle(catalogue)
      .slice(0, count)
      .map((item, index) => {
        const quantity = quantityFor(item.kind, invoiceRandom);
        const gross = Money.product(quantity, item.unitPrice, currency);
        const discount = invoiceRandom.chance(0.12)
          ? Money.product(gross.toString(), '0.1', currency)
          : zero;
        return buildDocumentLine(
          {
            id: `l${index + 1}`,
            itemId: item.event.data.id,
            description: item.name,
            quantity,
            unitPrice: item.unitPrice,
            ...(discount.isPositive()
              ? { discountAmount: discount.toString() }
              : {}),
          },
          currency,
          index,
        );
      });

  interface InvoiceState {
    latest: InvoiceUpsertedV1;
    /** Last day a version of it was published; later actions happen after it. */
    lastDay: string;
    version: number;
    cancelled: boolean;
    open: Money;
  }
  // Combined invoices: a few multi-line invoices group their lines into charge sets (one per month of service).
  // A forked stream, so adding them changed nothing else a seed produces.
  const chargeSetRandom = random.fork('charge-sets');
  const chargeSetsFor = (
    lines: DocumentLineV1[],
    issueDate: string,
  ): { chargeSets?: { name: string; lineIds: string[] }[] } => {
    if (lines.length < 2 || !chargeSetRandom.chance(0.15)) return {};
    const split = chargeSetRandom.int(1, lines.length - 1);
    const period = issueDate.slice(0, 7);
    return {
      chargeSets: [
        { name: `Recurring charges ${period}`, lineIds: lines.slice(0, split).map((l) => l.id) },
        { name: `One-time charges ${period}`, lineIds: lines.slice(split).map((l) => l.id) },
      ],
    };
  };
  const invoices: InvoiceState[] = issueDates.map((issueDate, index) => {
    const customer = invoiceRandom.weighted(customerWeights);
    const lines = linesFor(
      invoiceRandom.weighted([
        [1, 4],
        [2, 3],
        [3, 2],
        [5, 1],
      ] as const),
    );
    const linesTotal = money(documentTotal(lines, currency));
    const discountTotal = invoiceRandom.chance(0.05)
      ? Money.product(linesTotal.toString(), '0.05', currency)
      : zero;
    const isDraft = issueDate >= monthStart && invoiceRandom.chance(0.05);
    const data = {
      id: `inv-${String(index + 1).padStart(5, '0')}`,
      number: `INV-${10001 + index}`,
      customerId: customer.data.id,
      issueDate,
      dueDate: addDays(issueDate, customer.data.paymentTermsDays ?? 30),
      currency,
      status: (isDraft ? 'draft' : 'approved') as InvoiceStatus,
      lines,
      ...(discountTotal.isPositive()
        ? { discountTotal: discountTotal.toString() }
        : {}),
      total: linesTotal.minus(discountTotal).toString(),
      ...(invoiceRandom.chance(0.2)
        ? { memo: `Services for ${issueDate.slice(0, 7)}` }
        : {}),
      ...chargeSetsFor(lines, issueDate),
    };
    const latest = publish(instantOn(issueDate, invoiceRandom), {
      eventType: 'invoice.upserted',
      entityVersion: 1,
      data,
    }) as InvoiceUpsertedV1;
    return {
      latest,
      lastDay: issueDate,
      version: 1,
      cancelled: false,
      open: money(data.total),
    };
  });

  const republish = (
    state: InvoiceState,
    day: string,
    status: InvoiceStatus,
    lines = state.latest.data.lines,
  ): void => {
    const { discountTotal } = state.latest.data;
    const total = documentTotal(lines, currency, discountTotal);
    state.version += 1;
    state.lastDay = day;
    state.latest = publish(instantOn(day, invoiceRandom), {
      eventType: 'invoice.upserted',
      entityVersion: state.version,
      data: { ...state.latest.data, status, lines, total },
    }) as InvoiceUpsertedV1;
    state.open = money(total);
  };

  // Half the drafts get approved a few days later; revisions: reopened, a quantity changed, approved again.
  for (const state of invoices) {
    const approveOn = later(state.lastDay, invoiceRandom, 1, 3);
    if (
      state.latest.data.status === 'draft' &&
      invoiceRandom.chance(0.5) &&
      approveOn <= asOf
    )
      republish(state, approveOn, 'approved');
    const reviseOn = later(state.lastDay, invoiceRandom, 1, 5);
    const reapproveOn = later(reviseOn, invoiceRandom, 1, 3);
    if (
      state.latest.data.status === 'approved' &&
      invoiceRandom.chance(0.08) &&
      reapproveOn <= asOf
    ) {
      republish(state, reviseOn, 'in_revision');
      const [first, ...rest] = state.latest.data.lines;
      const quantity = String(Number.parseInt(first.quantity, 10) + 1);
      republish(state, reapproveOn, 'approved', [
        buildDocumentLine(
          { ...first, quantity, amount: undefined },
          currency,
          0,
        ),
        ...rest,
      ]);
    }
  }
  // A few approved invoices are cancelled before anything is paid on them.
  for (const state of invoices) {
    const cancelOn = later(state.lastDay, invoiceRandom, 1, 10);
    if (
      state.latest.data.status === 'approved' &&
      invoiceRandom.chance(0.03) &&
      cancelOn <= asOf
    ) {
      state.version += 1;
      state.lastDay = cancelOn;
      state.cancelled = true;
      state.open = zero;
      publish(instantOn(cancelOn, invoiceRandom), {
        eventType: 'invoice.cancelled',
        entityVersion: state.version,
        data: { id: state.latest.data.id },
      });
    }
  }
  const receivable = invoices.filter(
    (state) => state.latest.data.status === 'approved' && !state.cancelled,
  );

  // Credit memos: a partial refund on some invoices, applied to them; one in ten stays unapplied.
  const creditRandom = random.fork('credit-memos');
  const unappliedCredits: UnappliedCredit[] = [];
  const creditMemos: CreditMemoUpsertedV1[] = [];
  for (const state of receivable) {
    const issueDate = later(state.lastDay, creditRandom, 1, 20);
    if (!creditRandom.chance(0.05) || issueDate > asOf) continue;
    const line = creditRandom.pick(state.latest.data.lines);
    const credit = Money.product(
      line.amount,
      creditRandom.pick(['0.1', '0.25', '0.5']),
      currency,
    );
    if (!credit.isPositive()) continue;
    const lines = [
      buildDocumentLine(
        {
          id: 'l1',
          itemId: line.itemId,
          description: `Credit: ${line.description ?? line.itemId}`,
          quantity: '1',
          unitPrice: credit.toString(),
        },
        currency,
      ),
    ];
    const applies = creditRandom.chance(0.9);
    const id = `cm-${String(creditMemos.length + 1).padStart(4, '0')}`;
    const data = {
      id,
      number: `CM-${5001 + creditMemos.length}`,
      customerId: state.latest.data.customerId,
      issueDate,
      currency,
      lines,
      total: credit.toString(),
      applications: applies
        ? [{ invoiceId: state.latest.data.id, amount: credit.toString() }]
        : [],
    };
    if (applies) state.open = state.open.minus(credit);
    else
      unappliedCredits.push({
        customerId: data.customerId,
        sourceType: 'credit-memo',
        sourceId: id,
        amount: credit.toString(),
      });
    creditMemos.push(
      publish(instantOn(issueDate, creditRandom), {
        eventType: 'credit-memo.upserted',
        entityVersion: 1,
        data,
      }) as CreditMemoUpsertedV1,
    );
    state.lastDay = issueDate > state.lastDay ? issueDate : state.lastDay;
  }

  // Payments: most overdue invoices get paid around their due date, some only partly, the youngest rarely.
  const paymentRandom = random.fork('payments');
  const intents: { state: InvoiceState; day: string; amount: Money }[] = [];
  for (const state of receivable) {
    const { dueDate } = state.latest.data;
    const day = later(dueDate, paymentRandom, -12, 25);
    const payable =
      day > state.lastDay && day <= asOf && state.open.isPositive();
    const behaviour = paymentRandom.weighted([
      ['full', 70],
      ['partial', 12],
      ['none', 18],
    ] as const);
    if (!payable || behaviour === 'none') continue;
    const amount =
      behaviour === 'full'
        ? state.open
        : Money.product(
            state.open.toString(),
            paymentRandom.pick(['0.25', '0.5', '0.6']),
            currency,
          );
    if (amount.isPositive()) intents.push({ state, day, amount });
  }
  // Same customer, same day: often one payment covering several invoices.
  const groups = new Map<string, typeof intents>();
  for (const intent of intents) {
    const key = `${intent.state.latest.data.customerId}|${intent.day}|${paymentRandom.chance(0.6) ? 'combined' : intent.state.latest.data.id}`;
    groups.set(key, [...(groups.get(key) ?? []), intent]);
  }
  const payments: PaymentRecordedV1[] = [];
  const voidedPaymentIds: string[] = [];
  for (const group of [...groups.values()].sort((a, b) =>
    a[0].day < b[0].day ? -1 : a[0].day > b[0].day ? 1 : 0,
  )) {
    const applied = Money.sum(
      group.map((intent) => intent.amount),
      currency,
    );
    const extra = paymentRandom.chance(0.05)
      ? money(paymentRandom.pick(['50', '100', '250']))
      : zero;
    const id = `pay-${String(payments.length + 1).padStart(5, '0')}`;
    const data = {
      id,
      customerId: group[0].state.latest.data.customerId,
      receivedOn: group[0].day,
      amount: applied.plus(extra).toString(),
      currency,
      method: paymentRandom.pick(PAYMENT_METHODS),
      reference: `REF-${paymentRandom.int(100000, 999999)}`,
      applications: group.map((intent) => ({
        invoiceId: intent.state.latest.data.id,
        amount: intent.amount.toString(),
      })),
    };
    const payment = publish(instantOn(data.receivedOn, paymentRandom), {
      eventType: 'payment.recorded',
      entityVersion: 1,
      data,
    }) as PaymentRecordedV1;
    payments.push(payment);
    const voidOn = later(data.receivedOn, paymentRandom, 1, 7);
    if (
      voidedPaymentIds.length < 2 &&
      paymentRandom.chance(0.03) &&
      voidOn <= asOf
    ) {
      // Bounced: the payment is voided and its invoices reopen.
      voidedPaymentIds.push(id);
      publish(instantOn(voidOn, paymentRandom), {
        eventType: 'payment.voided',
        entityVersion: 2,
        data: { id },
      });
      continue;
    }
    for (const intent of group)
      intent.state.open = intent.state.open.minus(intent.amount);
    if (extra.isPositive())
      unappliedCredits.push({
        customerId: data.customerId,
        sourceType: 'payment',
        sourceId: id,
        amount: extra.toString(),
      });
  }

  const events = scheduled
    .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.order - b.order))
    .map((entry) => entry.event);
  return {
    tenantId,
    currency,
    from,
    asOf,
    events,
    customers: [...latestCustomers.values()],
    items: catalogue.map((item) => item.event),
    invoices: invoices.map((state) => state.latest),
    payments,
    creditMemos,
    cancelledInvoiceIds: invoices
      .filter((state) => state.cancelled)
      .map((state) => state.latest.data.id),
    voidedPaymentIds,
    openInvoices: receivable
      .filter((state) => state.open.isPositive())
      .map((state) => ({
        invoiceId: state.latest.data.id,
        customerId: state.latest.data.customerId,
        issueDate: state.latest.data.issueDate,
        dueDate: state.latest.data.dueDate,
        total: state.latest.data.total,
        open: state.open.toString(),
      })),
    unappliedCredits,
  };
}
