import { Company, ENTITY_NAMES, EntityName, EntityRecord } from '../company-store';
import { renderDeleted, renderEntity } from '../entities/entity-operations';
import { Faults } from '../qbo-fault';
import { parseCompanyInstant } from '../time/company-time';

/** "A date-time stamp for a date within 30 days of today" (reference §5). */
export const CDC_WINDOW_MS = 30 * 24 * 60 * 60 * 1000;
/** At most 1000 objects per response, across all requested entities (reference §5). */
export const CDC_MAX_OBJECTS = 1000;

/**
 * `GET /cdc?entities=A,B&changedSince=…`: every object of those types changed at or after
 * `changedSince`, full payloads for live (incl. voided) objects and `{status:"Deleted"}` stubs for
 * deleted ones, grouped by type, ordered by LastUpdatedTime, deleted after active. When more than
 * 1000 changed, the oldest 1000 are returned (no paging): the caller narrows the window.
 * @throws QboFault 2020 (missing parameter), 2170 (unknown entity), 2010 (bad date),
 *   6000 (changedSince older than 30 days; Intuit's exact fault is UNVERIFIED)
 */
export function runChangeDataCapture(company: Company, entitiesParam: string | null, changedSinceParam: string | null): Record<string, unknown> {
  if (!entitiesParam) throw Faults.requiredParam('entities');
  if (!changedSinceParam) throw Faults.requiredParam('changedSince');
  const entities: EntityName[] = [];
  for (const raw of entitiesParam.split(',').map((s) => s.trim()).filter(Boolean)) {
    const name = ENTITY_NAMES.find((e) => e.toLowerCase() === raw.toLowerCase());
    if (!name) throw Faults.invalidEnumeration('entities', raw);
    if (!entities.includes(name)) entities.push(name);
  }
  if (entities.length === 0) throw Faults.requiredParam('entities');
  const since = parseCompanyInstant(changedSinceParam, company.timeZone);
  if (since === undefined) throw Faults.invalidProperty(`changedSince "${changedSinceParam}" is not a date or date-time`, 'changedSince');
  if (since < company.now() - CDC_WINDOW_MS) {
    throw Faults.business('changedSince must be within the last 30 days.', 'changedSince');
  }

  const changed: EntityRecord[] = [];
  for (const entity of entities) {
    for (const record of company.table(entity).values()) if (record.updatedAtMs >= since) changed.push(record);
  }
  changed.sort((a, b) => a.updatedAtMs - b.updatedAtMs);
  const kept = changed.slice(0, CDC_MAX_OBJECTS);

  const groups: Record<string, unknown>[] = [];
  for (const entity of entities) {
    const mine = kept.filter((r) => r.type === entity);
    if (mine.length === 0) continue;
    const live = mine.filter((r) => r.state !== 'deleted').map((r) => renderEntity(company, r));
    const deleted = mine.filter((r) => r.state === 'deleted').map((r) => renderDeleted(r, true));
    groups.push({ [entity]: [...live, ...deleted], startPosition: 1, maxResults: mine.length });
  }
  return { CDCResponse: [{ QueryResponse: groups.length > 0 ? groups : [{}] }] };
}
