import { GatewayError } from '../gateway-error';

/** Opaque keyset cursors for the gateway's own lists: base64url JSON of the last row's sort key. */
export function encodeCursor(key: (string | number)[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** @throws GatewayError VALIDATION_FAILED when the cursor was not issued by this API for this list. */
export function decodeCursor(cursor: string | undefined, shape: ('string' | 'number')[]): (string | number)[] | null {
  if (!cursor) return null;
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(key) && key.length === shape.length && key.every((k, i) => typeof k === shape[i])) return key as (string | number)[];
  } catch {
    /* refused below */
  }
  throw new GatewayError('VALIDATION_FAILED', 'cursor: is not a cursor this API issued', [{ field: 'cursor', message: 'is not a cursor this API issued' }]);
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Rows were fetched with `limit + 1`: the extra one only says there is a next page. */
export function pageOf<R, T>(rows: R[], limit: number, toItem: (row: R) => T, keyOf: (row: R) => (string | number)[]): Page<T> {
  const page = rows.slice(0, limit);
  return { items: page.map(toItem), nextCursor: rows.length > limit ? encodeCursor(keyOf(page[page.length - 1])) : null };
}
