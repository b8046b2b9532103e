import { createHmac } from 'node:crypto';
import { parseWebhookEvents, verifyWebhookSignature } from './qbo-webhooks';

const verifier = 'verifier-token-123';
const legacy = JSON.stringify({
  eventNotifications: [
    {
      realmId: '1185883450',
      dataChangeEvent: {
        entities: [
          { name: 'Customer', id: '1', operation: 'Create', lastUpdated: '2015-10-05T14:42:19-0700' },
          { name: 'Customer', id: '12', operation: 'Merge', lastUpdated: '2015-10-05T14:42:19-0700', deletedId: '27' },
        ],
      },
    },
  ],
});

describe(verifyWebhookSignature.name, () => {
  const sign = (body: string) => createHmac('sha256', verifier).update(body).digest('base64');

  it('accepts the HMAC of the raw body', () => {
    expect(verifyWebhookSignature(Buffer.from(legacy), sign(legacy), verifier)).toBe(true);
  });

  it('rejects a re-serialised body, another key or a missing header', () => {
    const reserialised = JSON.stringify(JSON.parse(legacy), null, 1);

    expect(verifyWebhookSignature(reserialised, sign(legacy), verifier)).toBe(false);
    expect(verifyWebhookSignature(legacy, sign(legacy), 'other')).toBe(false);
    expect(verifyWebhookSignature(legacy, undefined, verifier)).toBe(false);
    expect(verifyWebhookSignature(legacy, 'short', verifier)).toBe(false);
  });
});

describe(parseWebhookEvents.name, () => {
  it('reads the legacy eventNotifications format', () => {
    expect(parseWebhookEvents(legacy)).toEqual([
      { realmId: '1185883450', entity: 'Customer', id: '1', operation: 'Create', lastUpdated: '2015-10-05T14:42:19-0700', deletedId: undefined },
      { realmId: '1185883450', entity: 'Customer', id: '12', operation: 'Merge', lastUpdated: '2015-10-05T14:42:19-0700', deletedId: '27' },
    ]);
  });

  it('reads CloudEvents and restores entity casing', () => {
    const body = JSON.stringify([
      { specversion: '1.0', id: 'e1', type: 'qbo.creditmemo.voided.v1', intuitentityid: '34', intuitaccountid: '310687', data: {} },
      { specversion: '1.0', id: 'e2', type: 'qbo.customer.merged.v1', intuitentityid: '12', intuitaccountid: '310687', data: { deletedid: '27' } },
      { specversion: '1.0', id: 'e3', type: 'something.else' },
    ]);

    expect(parseWebhookEvents(body, ['CreditMemo', 'Customer'])).toEqual([
      { realmId: '310687', entity: 'CreditMemo', id: '34', operation: 'Void', deletedId: undefined },
      { realmId: '310687', entity: 'Customer', id: '12', operation: 'Merge', deletedId: '27' },
    ]);
  });
});
