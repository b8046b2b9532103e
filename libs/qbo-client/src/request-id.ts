import { createHash } from 'node:crypto';

/**
 * QuickBooks' `requestid` limit is 50 characters, 36 on /batch; ours are 32 hex characters (128 bits of
 * SHA-256), which fits both and leaves no practical chance of two logical writes colliding in one realm.
 */
export const REQUEST_ID_LENGTH = 32;

/**
 * The `requestid` for one logical write, derived deterministically so a retry after a crash or a
 * redelivered message sends the same id and QuickBooks replays its original answer instead of writing twice.
 * The operation and entity are part of the hash, so one idempotency key (`invoice:<sourceId>:v<version>`)
 * used for a create and a later void yields two different ids.
 * @throws TypeError when the key is empty.
 */
export function deriveRequestId(operation: string, entity: string, idempotencyKey: string): string {
  if (!idempotencyKey) throw new TypeError('an idempotency key is required for every QuickBooks write');
  return createHash('sha256').update(`${operation}\u0000${entity}\u0000${idempotencyKey}`).digest('hex').slice(0, REQUEST_ID_LENGTH);
}
