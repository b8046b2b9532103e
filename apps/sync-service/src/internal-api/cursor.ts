/** Opaque keyset cursors: base64url JSON of the last row's sort key. */
export function encodeCursor(key: unknown[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor(cursor: string | undefined, arity: number): unknown[] | null {
  if (!cursor) return null;
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(key) && key.length === arity && key.every((k) => typeof k === 'string' || typeof k === 'number')) return key;
  } catch {
    /* fall through */
  }
  throw new InvalidRequest([{ field: 'cursor', message: 'is not a cursor this API issued' }]);
}

/** A bad request: the filter turns it into problem+json listing each bad field. */
export class InvalidRequest extends Error {
  constructor(readonly fields: { field: string; message: string }[]) {
    super(fields.map((f) => `${f.field}: ${f.message}`).join('; '));
    this.name = 'InvalidRequest';
  }
}
