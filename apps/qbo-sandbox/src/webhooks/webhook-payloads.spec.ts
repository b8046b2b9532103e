import { createHmac } from 'node:crypto';
import { cloudEventsPayload, legacyPayload, signPayload } from './webhook-payloads';

describe('webhook payloads', () => {
  const at = Date.parse('2025-09-08T20:52:31.657Z');

  it('signs the raw body: base64(HMAC-SHA256(verifier token, body))', () => {
    const body = '{"eventNotifications":[]}';
    expect(signPayload(body, 'token')).toBe(createHmac('sha256', 'token').update(body).digest('base64'));
  });

  it('builds the legacy notification for one realm', () => {
    expect(legacyPayload('42', [{ realmId: '42', entity: 'Invoice', id: '129', operation: 'Update', at }])).toEqual({
      eventNotifications: [{ realmId: '42', dataChangeEvent: { entities: [{ name: 'Invoice', id: '129', operation: 'Update', lastUpdated: '2025-09-08T20:52:31.657Z' }] } }],
    });
  });

  it('builds one CloudEvent per change with qbo.<entity>.<verb>.v1 types', () => {
    const events = cloudEventsPayload(
      [
        { realmId: '1', entity: 'CreditMemo', id: '7', operation: 'Void', at },
        { realmId: '2', entity: 'Payment', id: '8', operation: 'Update', at },
      ],
      'k',
    );
    expect(events.map((e) => e['type'])).toEqual(['qbo.creditmemo.voided.v1', 'qbo.payment.updated.v1']);
    expect(events[0]).toMatchObject({ specversion: '1.0', intuitaccountid: '1', intuitentityid: '7', datacontenttype: 'application/json', data: {} });
    expect(events[1]['data']).toBeUndefined();
  });
});
