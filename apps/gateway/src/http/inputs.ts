import { IsoDate } from '@arbiter/contracts';
import { z } from 'zod';

/** `?limit=`: default 50, at most 500 (CONTRACT.md §2). Digits only, so `1e3` or `50;drop` are refused, not coerced. */
export const Limit = z
  .string()
  .regex(/^\d{1,3}$/, 'must be an integer from 1 to 500')
  .transform(Number)
  .pipe(z.number().int().min(1, 'must be an integer from 1 to 500').max(500, 'must be an integer from 1 to 500'))
  .default(50);

/** Cursors are opaque base64url tokens issued by a service or by the gateway; anything else is refused here. */
export const Cursor = z.string().regex(/^[A-Za-z0-9_-]{1,500}$/, 'is not a cursor this API issued').optional();

export const Page = { limit: Limit, cursor: Cursor };

/**
 * A platform's id of a document or record. CONTRACT.md §1 allows any 1..128 characters; through the HTTP API
 * we accept the characters ids are made of in practice, so quotes, semicolons, spaces and control characters
 * (the stuff of injection attempts) are refused at the edge. Services parameterise their SQL regardless.
 */
export const SourceId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:/@#+-]{0,127}$/, 'must be 1-128 characters: letters, digits and . _ : / @ # + -');

export const Uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'must be a UUID');

/** A QuickBooks Online id: digits (`Id` of any entity). */
export const QboId = z.string().regex(/^\d{1,20}$/, 'must be a QuickBooks id (digits)');

export const EntityType = z.enum(['customer', 'item', 'invoice', 'payment', 'credit-memo']);

/** `YYYY-MM-DD` naming a real calendar day (`2026-02-30` is refused). */
export const CalendarDate = IsoDate;

export const BooleanFlag = z.enum(['true', 'false']).transform((v) => v === 'true');

/** Short human text (names): printable, no control characters. */
export const Label = z
  .string()
  .min(1, 'must not be empty')
  .max(100, 'must be at most 100 characters')
  .regex(/^[^\p{Cc}]+$/u, 'must not contain control characters');
