import { createHmac, randomUUID } from 'node:crypto';
import { ChangeEvent, ChangeOperation } from '../company-store';

/**
 * Notification bodies (reference §10.2, §10.4).
 * Legacy: `{"eventNotifications":[{"realmId","dataChangeEvent":{"entities":[{name,id,operation,lastUpdated}]}}]}`,
 * one realm per notification ("sent one realm ID at a time").
 * CloudEvents 1.0: a JSON array, one element per entity change, realms may be mixed.
 */
export function legacyPayload(realmId: string, events: ChangeEvent[]): Record<string, unknown> {
  return {
    eventNotifications: [
      {
        realmId,
        dataChangeEvent: {
          entities: events.map((e) => ({
            name: e.entity,
            id: e.id,
            operation: e.operation,
            lastUpdated: new Date(e.at).toISOString(),
          })),
        },
      },
    ],
  };
}

const CLOUD_EVENT_VERBS: Record<ChangeOperation, string> = {
  Create: 'created',
  Update: 'updated',
  Delete: 'deleted',
  Void: 'voided',
  Emailed: 'emailed',
};

/** `source` identifies the app; Intuit's is an opaque base64 id, derived here from the verifier token. */
export function cloudEventsPayload(events: ChangeEvent[], sourceKey: string): Record<string, unknown>[] {
  const source = `intuit.${createHmac('sha256', 'qbo-sandbox-source').update(sourceKey).digest('base64')}`;
  return events.map((e) => {
    const event: Record<string, unknown> = {
      specversion: '1.0',
      id: randomUUID(),
      source,
      type: `qbo.${e.entity.toLowerCase()}.${CLOUD_EVENT_VERBS[e.operation]}.v1`,
      time: new Date(e.at).toISOString(),
      intuitentityid: e.id,
      intuitaccountid: e.realmId,
    };
    // Some updates carry neither data nor datacontenttype (reference §10.4); consumers must cope.
    if (e.operation !== 'Update') {
      event['datacontenttype'] = 'application/json';
      event['data'] = {};
    }
    return event;
  });
}

/** `intuit-signature`: base64 HMAC-SHA256 of the raw body, keyed with the verifier token (reference §10.3). */
export function signPayload(rawBody: string, verifierToken: string): string {
  return createHmac('sha256', verifierToken).update(rawBody, 'utf8').digest('base64');
}
