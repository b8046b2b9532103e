import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable, Logger } from '@nestjs/common';
import { sqlOf } from '../sql';

/** Realm ids (digits only) and entity count of a notification, in either format (legacy eventNotifications, or CloudEvents). */
export function summarise(payload: unknown): { realmIds: string[]; entityCount: number } {
  const realms = new Set<string>();
  let entityCount = 0;
  if (Array.isArray(payload)) {
    for (const event of payload as Record<string, unknown>[]) {
      if (typeof event?.['intuitaccountid'] === 'string') realms.add(event['intuitaccountid']);
      entityCount += 1;
    }
  } else if (payload && typeof payload === 'object' && Array.isArray((payload as Record<string, unknown>)['eventNotifications'])) {
    for (const n of (payload as { eventNotifications: Record<string, unknown>[] }).eventNotifications) {
      if (typeof n?.['realmId'] === 'string') realms.add(n['realmId']);
      const entities = (n?.['dataChangeEvent'] as { entities?: unknown[] } | undefined)?.entities;
      entityCount += Array.isArray(entities) ? entities.length : 0;
    }
  }
  return { realmIds: [...realms].filter((r) => /^\d{1,32}$/.test(r)).slice(0, 100), entityCount };
}

/**
 * Verified QuickBooks notifications, stored as received for the pull path to process (asynchronously:
 * Intuit wants a 200 within 3 s and retries otherwise, so nothing else happens in the request).
 */
@Injectable()
export class WebhookDeliveries {
  private readonly logger = new Logger(WebhookDeliveries.name);

  constructor(private readonly em: EntityManager) {}

  async record(rawBody: Buffer, intuitTid: string | undefined): Promise<{ id: string; realmIds: string[]; entityCount: number }> {
    const text = rawBody.toString('utf8');
    let summary = { realmIds: [] as string[], entityCount: 0 };
    let parseError: string | null = null;
    try {
      summary = summarise(JSON.parse(text));
    } catch {
      // Signed by Intuit but not JSON: kept for inspection and acknowledged, or Intuit would retry it forever.
      parseError = 'the body is not JSON';
    }
    const [row] = await sqlOf(this.em)<{ id: string }>(
      `insert into webhook_delivery (intuit_tid, realm_ids, entity_count, payload, parse_error) values (?, string_to_array(?, ','), ?, ?, ?) returning id`,
      [intuitTid?.slice(0, 200) ?? null, summary.realmIds.join(','), summary.entityCount, text.replaceAll('\u0000', '') /* PostgreSQL text cannot hold NUL */, parseError],
    );
    this.logger.log(`webhook recorded id=${row.id} realms=${summary.realmIds.join(',') || '-'} entities=${summary.entityCount}${parseError ? ' parseError=1' : ''}`);
    return { id: String(row.id), ...summary };
  }
}
