import { toContractErrors } from './contract-error';
import { OutboundEventSchemas } from './outbound-event';
import { Topics } from './topics';

const sha = 'a'.repeat(64);

const validEvents = {
  [Topics.SyncStatus]: {
    eventId: 'e1',
    tenantId: 'acme',
    entityType: 'invoice',
    sourceId: 'inv-1',
    status: 'pushed',
    qboId: '145',
    at: '2026-10-31T17:04:05Z',
  },
  [Topics.SyncBalances]: {
    eventId: 'e2',
    tenantId: 'acme',
    invoiceId: 'inv-1',
    qboId: '145',
    currency: 'USD',
    total: '1250.00',
    balance: '250.00',
    state: 'partly_paid',
    checkedAt: '2026-10-31T17:04:05Z',
  },
  [Topics.SyncPaymentsImported]: {
    eventId: 'e3',
    tenantId: 'acme',
    qboPaymentId: '77',
    customerId: 'cus-1',
    receivedOn: '2026-10-30',
    amount: '1000.00',
    applications: [{ invoiceId: 'inv-1', amount: '1000.00' }],
    voided: false,
  },
  [Topics.ReconCompleted]: {
    eventId: 'e4',
    tenantId: 'acme',
    runId: 'run-1',
    asOf: '2026-10-31',
    status: 'out_of_sync',
    discrepancyCount: 2,
    reportSha256: sha,
    buckets: [
      {
        bucket: 'current',
        source: '1200.00',
        qbo: '1200.00',
        difference: '0.00',
      },
      { bucket: '91+', source: '50.00', qbo: '75.50', difference: '-25.50' },
    ],
  },
  [Topics.ReconDiscrepancies]: {
    eventId: 'e5',
    tenantId: 'acme',
    runId: 'run-1',
    kind: 'amount_mismatch',
    sourceId: 'inv-1',
    qboId: '145',
    sourceAmount: '100.00',
    qboAmount: '90.00',
    difference: '10.00',
    bucket: '1-30',
  },
  [Topics.DeadLetter]: {
    eventId: 'e6',
    topic: Topics.SourceInvoices,
    partition: 0,
    offset: '12',
    key: 'acme:inv-1',
    reason: 'invalid_json',
    errors: [{ path: '', message: 'not JSON' }],
    rawValue: 'e30=',
    rejectedAt: '2026-10-31T17:04:05Z',
  },
} as const;

const errorsOf = (topic: keyof typeof OutboundEventSchemas, event: unknown) => {
  const result = OutboundEventSchemas[topic].safeParse(event);
  return result.success ? [] : toContractErrors(result.error);
};

describe('OutboundEventSchemas', () => {
  it.each(Object.entries(validEvents))(
    'accepts a valid %s event carrying its own eventId',
    (topic, event) => {
      expect(
        errorsOf(topic as keyof typeof OutboundEventSchemas, event),
      ).toEqual([]);
      expect(
        errorsOf(topic as keyof typeof OutboundEventSchemas, {
          ...event,
          eventId: undefined,
        }),
      ).toEqual([{ path: 'eventId', message: expect.any(String) }]);
    },
  );

  it('requires a failed sync status to say why', () => {
    const failed = { ...validEvents[Topics.SyncStatus], status: 'failed' };

    expect(errorsOf(Topics.SyncStatus, failed)).toEqual([
      { path: 'problem', message: 'a failed status must say why' },
    ]);
    expect(
      errorsOf(Topics.SyncStatus, {
        ...failed,
        problem: {
          code: 'duplicate_match',
          message: 'Two customers share this e-mail',
          qboErrorCode: '6240',
        },
      }),
    ).toEqual([]);
  });

  it('rejects a status or state outside the contract', () => {
    expect(
      errorsOf(Topics.SyncStatus, {
        ...validEvents[Topics.SyncStatus],
        status: 'done',
      }).map((e) => e.path),
    ).toEqual(['status']);
    expect(
      errorsOf(Topics.SyncBalances, {
        ...validEvents[Topics.SyncBalances],
        state: 'closed',
      }).map((e) => e.path),
    ).toEqual(['state']);
  });

  it('checks balance money against the currency when one is given', () => {
    expect(
      errorsOf(Topics.SyncBalances, {
        ...validEvents[Topics.SyncBalances],
        currency: 'JPY',
      }),
    ).toEqual([
      {
        path: 'total',
        message: '1250.00 has 2 fraction digits; JPY allows at most 0',
      },
      {
        path: 'balance',
        message: '250.00 has 2 fraction digits; JPY allows at most 0',
      },
    ]);
  });

  it('keeps imported payments within their amount when the currency is known', () => {
    const over = {
      ...validEvents[Topics.SyncPaymentsImported],
      currency: 'USD',
      amount: '999.00',
    };

    expect(errorsOf(Topics.SyncPaymentsImported, over)).toEqual([
      {
        path: 'applications',
        message: 'Σ applications[].amount = 1000.00 exceeds amount 999.00',
      },
    ]);
  });

  it('requires every recon bucket to tie: difference = source − qbo', () => {
    const event = validEvents[Topics.ReconCompleted];
    const broken = {
      ...event,
      buckets: [event.buckets[0], { ...event.buckets[1], difference: '25.50' }],
    };

    expect(errorsOf(Topics.ReconCompleted, broken)).toEqual([
      {
        path: 'buckets[1].difference',
        message: 'difference must be source − qbo = -25.50, got 25.50',
      },
    ]);
  });

  it('requires a report hash unless the run failed', () => {
    const { reportSha256: _, ...withoutHash } =
      validEvents[Topics.ReconCompleted];

    expect(
      errorsOf(Topics.ReconCompleted, withoutHash).map((e) => e.path),
    ).toEqual(['reportSha256']);
    expect(
      errorsOf(Topics.ReconCompleted, {
        ...withoutHash,
        status: 'failed',
        buckets: [],
      }),
    ).toEqual([]);
    expect(
      errorsOf(Topics.ReconCompleted, {
        ...withoutHash,
        reportSha256: 'ABC',
      }).map((e) => e.path),
    ).toEqual(['reportSha256']);
  });

  it('counts an absent side of a discrepancy as zero', () => {
    const base = validEvents[Topics.ReconDiscrepancies];

    expect(
      errorsOf(Topics.ReconDiscrepancies, {
        ...base,
        kind: 'missing_in_qbo',
        qboAmount: undefined,
        qboId: undefined,
        difference: '100.00',
      }),
    ).toEqual([]);
    expect(
      errorsOf(Topics.ReconDiscrepancies, {
        ...base,
        kind: 'duplicate_in_qbo',
        sourceAmount: undefined,
        difference: '-90.00',
      }),
    ).toEqual([]);
    expect(
      errorsOf(Topics.ReconDiscrepancies, { ...base, difference: '-10.00' }),
    ).toEqual([
      {
        path: 'difference',
        message:
          'difference must be sourceAmount − qboAmount = 10.00, got -10.00',
      },
    ]);
    expect(
      errorsOf(Topics.ReconDiscrepancies, { ...base, kind: 'rounding' }).map(
        (e) => e.path,
      ),
    ).toEqual(['kind']);
  });

  it('rejects a dead letter whose raw value is not base64', () => {
    expect(
      errorsOf(Topics.DeadLetter, {
        ...validEvents[Topics.DeadLetter],
        rawValue: 'not base64!',
      }).map((e) => e.path),
    ).toEqual(['rawValue']);
  });
});
