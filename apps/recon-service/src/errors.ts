/** Every failure this service reports to a caller; `http/problem-details.filter.ts` maps each code to a status once. */
export type ReconErrorCode =
  | 'INVALID_REQUEST'
  | 'RUN_NOT_FOUND'
  | 'REPORT_NOT_READY'
  | 'TENANT_NOT_CONNECTED'
  | 'INTERNAL_TOKEN_REQUIRED';

export interface FieldError {
  /** Dotted path of the bad field: `asOf`, `query.limit`. */
  field: string;
  message: string;
}

export class ReconError extends Error {
  constructor(
    readonly code: ReconErrorCode,
    message: string,
    readonly errors: FieldError[] = [],
  ) {
    super(message);
    this.name = code;
  }
}

/** A run that cannot finish: recorded on the run (state `failed`) with this code and details. */
export class RunFailure extends Error {
  constructor(
    readonly code: 'TIE_OUT_VIOLATION' | 'TENANT_NOT_CONNECTED' | 'QBO_ERROR' | 'INVALID_DATA' | 'TOO_MANY_ATTEMPTS',
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'RunFailure';
  }
}
