/** Every error the gateway itself raises; `http-error.filter.ts` holds the one code → status table. */
export type GatewayErrorCode =
  | 'VALIDATION_FAILED'
  | 'MALFORMED_JSON'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'ROUTE_NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'INVALID_SIGNATURE'
  | 'INVALID_OAUTH_STATE'
  | 'OAUTH_DENIED'
  | 'RATE_LIMITED'
  | 'UPSTREAM_UNAVAILABLE'
  | 'UPSTREAM_TIMEOUT'
  | 'INTERNAL';

export interface FieldError {
  field: string;
  message: string;
}

export class GatewayError extends Error {
  constructor(
    readonly code: GatewayErrorCode,
    readonly detail: string,
    readonly errors?: FieldError[],
  ) {
    super(`${code}: ${detail}`);
    this.name = 'GatewayError';
  }
}

/** The problem+json body every error answer carries (RFC 9457 plus `code` and, for validation, `errors`). */
export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors?: FieldError[];
}

/**
 * A service answered 4xx with problem+json: relayed to the caller as it came (status, code, detail), after
 * trimming it to the problem fields so nothing else a service might add leaks through.
 */
export class UpstreamProblem extends Error {
  constructor(
    readonly service: string,
    readonly problem: ProblemBody,
    readonly retryAfter?: string,
  ) {
    super(`${service} answered ${problem.status} ${problem.code}: ${problem.detail}`);
    this.name = 'UpstreamProblem';
  }
}
