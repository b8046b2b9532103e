// Valid inbound events for the contract's own specs. The contracts lib may import nothing of ours, so it
// cannot use @arbiter/testing's builders; every other project should.

type Json = Record<string, unknown>;

export const envelope = (
  eventType: string,
  data: Json,
  overrides: Json = {},
): Json => ({
  eventId: '0b6c2f4e-6f7a-4d0e-9a51-7d3f1e2b9c10',
  eventType,
  tenantId: 'acme',
  occurredAt: '2026-10-31T17:04:05.123Z',
  entityVersion: 3,
  data,
  ...overrides,
});

export const invoiceData = (overrides: Json = {}): Json => ({
  id: 'inv-1',
  number: 'INV-1001',
  customerId: 'cus-1',
  issueDate: '2026-10-01',
  dueDate: '2026-10-31',
  currency: 'USD',
  status: 'approved',
  lines: [
    {
      id: 'l1',
      itemId: 'itm-1',
      quantity: '2',
      unitPrice: '500.00',
      amount: '1000.00',
    },
    {
      id: 'l2',
      itemId: 'itm-2',
      description: 'Setup',
      quantity: '1',
      unitPrice: '300.00',
      discountAmount: '50.00',
      amount: '250.00',
    },
  ],
  total: '1250.00',
  ...overrides,
});

export const paymentData = (overrides: Json = {}): Json => ({
  id: 'pay-1',
  customerId: 'cus-1',
  receivedOn: '2026-10-15',
  amount: '1000.00',
  currency: 'USD',
  method: 'ach',
  applications: [
    { invoiceId: 'inv-1', amount: '600.00' },
    { invoiceId: 'inv-2', amount: '400.00' },
  ],
  ...overrides,
});

export const creditMemoData = (overrides: Json = {}): Json => ({
  id: 'cm-1',
  number: 'CM-1',
  customerId: 'cus-1',
  issueDate: '2026-10-20',
  currency: 'USD',
  lines: [
    {
      id: 'l1',
      itemId: 'itm-1',
      quantity: '1',
      unitPrice: '100.00',
      amount: '100.00',
    },
  ],
  total: '100.00',
  applications: [{ invoiceId: 'inv-1', amount: '60.00' }],
  ...overrides,
});

export const customerData = (overrides: Json = {}): Json => ({
  id: 'cus-1',
  displayName: 'Acme Rockets',
  billingEmail: 'ap@acme.test',
  currency: 'USD',
  paymentTermsDays: 30,
  active: true,
  ...overrides,
});

export const itemData = (overrides: Json = {}): Json => ({
  id: 'itm-1',
  sku: 'RKT-1',
  name: 'Rocket',
  unitPrice: '500.00',
  active: true,
  ...overrides,
});

/** Replaces `lines[index]` with `line` merged over it. */
export const withLine = (data: Json, index: number, line: Json): Json => ({
  ...data,
  lines: (data['lines'] as Json[]).map((existing, i) =>
    i === index ? { ...existing, ...line } : existing,
  ),
});
