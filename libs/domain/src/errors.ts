export type DomainErrorCode =
  | 'CURRENCY_MISMATCH'
  | 'UNKNOWN_CURRENCY'
  | 'INVALID_AMOUNT'
  | 'AMOUNT_OUT_OF_RANGE'
  | 'INVALID_DATE'
  | 'INVALID_ALLOCATION'
  | 'INVALID_AGING_SCHEDULE';

/** Every error the domain throws; each edge maps `code` once (gateway: code → HTTP status). */
export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
  ) {
    super(message);
    this.name = code;
  }
}

/** Two amounts in different currencies met in one operation; the domain never converts. */
export class CurrencyMismatch extends DomainError {
  constructor(
    readonly expected: string,
    readonly actual: string,
    operation: string,
  ) {
    super(
      'CURRENCY_MISMATCH',
      `cannot ${operation} ${expected} and ${actual} amounts`,
    );
  }
}
