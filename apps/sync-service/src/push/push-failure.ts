import {
  QboAuthenticationError,
  QboAuthRevokedError,
  QboAuthorizationError,
  QboClosedPeriodError,
  QboDuplicateDocNumberError,
  QboDuplicateNameError,
  QboError,
  QboInvalidReferenceError,
  QboNotFoundError,
  QboStaleObjectError,
} from '@arbiter/qbo-client';
import { TenantNotConnectedError } from '../qbo/qbo-access';
import type { ProblemKind } from './problem-kinds';

/** A failure a person must decide on, raised by the push with its plain-language reason. */
export class SyncProblem extends Error {
  constructor(
    readonly kind: ProblemKind,
    reason: string,
    readonly details?: Record<string, unknown>,
    readonly qbo?: { code?: string; message?: string },
  ) {
    super(reason);
    this.name = 'SyncProblem';
  }
}

/** Waiting for another document (an invoice a payment applies to); retried, a problem only if it persists. */
export class WaitingForDependency extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'WaitingForDependency';
  }
}

export type FailureDecision =
  | { retry: true; delayMs: number; persistentKind?: ProblemKind; reason: string }
  | { retry: false; problem: SyncProblem };

/** Transient failures become a problem only after this many attempts (still retried afterwards). */
export const PERSISTENT_AFTER_ATTEMPTS = 8;

/** Exponential backoff with full jitter: 1 s, 2 s, 4 s … capped at 5 min. */
export function backoffMs(attempts: number, random = Math.random): number {
  const cap = Math.min(300_000, 1_000 * 2 ** Math.max(0, attempts - 1));
  return Math.round(cap / 2 + random() * (cap / 2));
}

/** The one place where a push failure is classified: retry (transient) or a problem (permanent). */
export function classifyFailure(error: unknown, attempts: number): FailureDecision {
  if (error instanceof SyncProblem) return { retry: false, problem: error };
  if (error instanceof TenantNotConnectedError) {
    return { retry: true, delayMs: 60_000, persistentKind: 'not_connected', reason: error.message };
  }
  if (error instanceof WaitingForDependency) {
    return { retry: true, delayMs: backoffMs(attempts), persistentKind: attempts >= PERSISTENT_AFTER_ATTEMPTS ? 'dependency_missing' : undefined, reason: error.message };
  }
  if (error instanceof QboError) {
    const qbo = { code: error.code, message: error.qboMessage ?? error.detail };
    if (error.kind !== 'permanent') {
      return { retry: true, delayMs: error.retryAfterMs ?? backoffMs(attempts), persistentKind: attempts >= PERSISTENT_AFTER_ATTEMPTS ? 'qbo_unavailable' : undefined, reason: error.reason };
    }
    const kind: ProblemKind =
      error instanceof QboDuplicateNameError ? 'duplicate_name'
      : error instanceof QboDuplicateDocNumberError ? 'duplicate_doc_number'
      : error instanceof QboClosedPeriodError ? 'closed_period'
      : error instanceof QboInvalidReferenceError || error instanceof QboNotFoundError ? 'invalid_reference'
      : error instanceof QboStaleObjectError ? 'stale_object'
      : error instanceof QboAuthRevokedError || error instanceof QboAuthenticationError || error instanceof QboAuthorizationError ? 'not_connected'
      : 'validation';
    if (kind === 'not_connected') return { retry: true, delayMs: 60_000, persistentKind: 'not_connected', reason: error.reason };
    // QuickBooks' own words name the field; a controller needs them to fix the document.
    const said = [error.qboMessage, error.detail].filter(Boolean).join(': ');
    return { retry: false, problem: new SyncProblem(kind, said ? `${error.reason} QuickBooks said: ${said}` : error.reason, undefined, qbo) };
  }
  // Our own infrastructure (database, broker): retry, never a problem for a person.
  return { retry: true, delayMs: backoffMs(attempts), reason: error instanceof Error ? error.message : String(error) };
}
