import { createHash } from 'node:crypto';

/**
 * Canonical JSON, the text a run's data hash is taken over: object keys sorted by UTF-16 code units, no
 * whitespace, strings escaped as JSON.stringify does, `undefined` and `null` members left out, and no fractional
 * or unsafe numbers (money is always a decimal string with the currency's digits; numbers are counts). For these
 * values it is the JSON Canonicalization Scheme (RFC 8785), so anyone can recompute the hash with a JCS library.
 * @throws TypeError for a non-integer or unsafe number, a bigint, or a value JSON cannot hold.
 */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isSafeInteger(value)) throw new TypeError(`canonical JSON holds only safe integers, got ${value}`);
      return String(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
      const members = Object.keys(value as object)
        .filter((key) => {
          const member = (value as Record<string, unknown>)[key];
          return member !== undefined && member !== null;
        })
        .sort()
        .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
      return `{${members.join(',')}}`;
    }
    default:
      throw new TypeError(`canonical JSON cannot hold a ${typeof value}`);
  }
}

/**
 * SHA-256 (hex) of the canonical JSON of `{ customers: [...], discrepancies: [...], run: {...} }`, written
 * element by element so a run of any size is hashed in bounded memory. The keys are already in sorted order,
 * so the text hashed is exactly `canonicalJson` of the whole object.
 */
export async function hashRunData(
  run: Record<string, unknown>,
  customers: AsyncIterable<Record<string, unknown>>,
  discrepancies: AsyncIterable<Record<string, unknown>>,
): Promise<string> {
  const hash = createHash('sha256');
  const array = async (name: string, rows: AsyncIterable<Record<string, unknown>>, first: boolean) => {
    hash.update(`${first ? '{' : ','}"${name}":[`);
    let separator = '';
    for await (const row of rows) {
      hash.update(separator + canonicalJson(row));
      separator = ',';
    }
    hash.update(']');
  };
  await array('customers', customers, true);
  await array('discrepancies', discrepancies, false);
  hash.update(`,"run":${canonicalJson(run)}}`);
  return hash.digest('hex');
}
