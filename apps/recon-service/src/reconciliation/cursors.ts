import type { z } from 'zod';
import { ReconError } from '../errors';

/** Opaque keyset cursors: base64url JSON of the last item's position. */
export const cursors = {
  encode: (position: Record<string, unknown>): string => Buffer.from(JSON.stringify(position), 'utf8').toString('base64url'),
  /** @throws ReconError INVALID_REQUEST for a cursor this service did not issue. */
  decode<T>(cursor: string, schema: z.ZodType<T>): T {
    try {
      return schema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    } catch {
      throw new ReconError('INVALID_REQUEST', 'invalid request: query.cursor (not a cursor from this API)', [{ field: 'query.cursor', message: 'not a cursor from this API' }]);
    }
  },
};
