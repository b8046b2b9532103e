import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Checks `intuit-signature`: base64(HMAC-SHA256(key = verifier token, message = the raw body bytes)).
 * Pass the body exactly as received; re-serialised JSON does not verify. Constant-time comparison.
 */
export function verifyWebhookSignature(rawBody: Buffer | string, signature: string | undefined, verifierToken: string): boolean {
  if (!signature || !verifierToken) return false;
  const expected = createHmac('sha256', verifierToken).update(rawBody).digest();
  const given = Buffer.from(signature.trim(), 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export type WebhookOperation = 'Create' | 'Update' | 'Delete' | 'Merge' | 'Void' | 'Emailed';

/** One entity change, whichever payload format carried it. */
export interface WebhookEvent {
  realmId: string;
  /** QuickBooks entity name, e.g. "Invoice". */
  entity: string;
  id: string;
  operation: WebhookOperation | string;
  /** As sent; formats vary (`-0700` offsets, `Z`). Absent in CloudEvents. */
  lastUpdated?: string;
  /** Merge: the id that was merged away. */
  deletedId?: string;
}

const CLOUD_VERBS: Record<string, WebhookOperation> = {
  created: 'Create',
  updated: 'Update',
  deleted: 'Delete',
  merged: 'Merge',
  voided: 'Void',
  emailed: 'Emailed',
};

/**
 * Normalises a verified webhook body: the legacy `{"eventNotifications":[…]}` object or the CloudEvents
 * array (`type: qbo.<entity>.<verb>.v1`, `intuitaccountid` = realm). Notifications only say *what* changed;
 * fetch the objects (or run CDC) to learn the new state, and treat order as unreliable.
 * @throws SyntaxError for a body that is not JSON; unknown shapes yield no events.
 */
export function parseWebhookEvents(rawBody: Buffer | string, entityNames: readonly string[] = []): WebhookEvent[] {
  const body: unknown = JSON.parse(typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8'));
  const events: WebhookEvent[] = [];
  if (Array.isArray(body)) {
    // CloudEvents carry the entity lower-cased; restore QuickBooks' casing when the caller lists the names.
    const casing = new Map(entityNames.map((n) => [n.toLowerCase(), n]));
    for (const e of body as Array<Record<string, unknown>>) {
      const m = /^qbo\.([a-z]+)\.([a-z]+)\.v\d+$/i.exec(String(e['type'] ?? ''));
      if (!m) continue;
      const data = (e['data'] ?? {}) as Record<string, unknown>;
      events.push({
        realmId: String(e['intuitaccountid'] ?? ''),
        entity: casing.get(m[1].toLowerCase()) ?? m[1],
        id: String(e['intuitentityid'] ?? ''),
        operation: CLOUD_VERBS[m[2].toLowerCase()] ?? m[2],
        deletedId: typeof data['deletedid'] === 'string' ? data['deletedid'] : undefined,
      });
    }
    return events;
  }
  const notifications = (body as { eventNotifications?: unknown })?.eventNotifications;
  for (const n of Array.isArray(notifications) ? (notifications as Array<Record<string, unknown>>) : []) {
    const entities = ((n['dataChangeEvent'] as { entities?: unknown })?.entities ?? []) as Array<Record<string, unknown>>;
    for (const e of Array.isArray(entities) ? entities : []) {
      events.push({
        realmId: String(n['realmId'] ?? ''),
        entity: String(e['name'] ?? ''),
        id: String(e['id'] ?? ''),
        operation: String(e['operation'] ?? ''),
        lastUpdated: typeof e['lastUpdated'] === 'string' ? e['lastUpdated'] : undefined,
        deletedId: typeof (e['deletedId'] ?? e['deletedID']) === 'string' ? String(e['deletedId'] ?? e['deletedID']) : undefined,
      });
    }
  }
  return events;
}
