import { createHash } from 'node:crypto';

/**
 * A UUID (RFC 9562 version 8, name-based) derived from `name`: the same name always gives the same id, so a resumed
 * run gives its discrepancies and events the ids the first attempt gave them, and consumers can deduplicate.
 */
export function stableUuid(name: string): string {
  const h = createHash('sha256').update(name).digest('hex');
  const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
