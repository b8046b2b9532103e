import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import type { Response } from 'express';
import { ZodError } from 'zod';
import { GatewayError, type GatewayErrorCode, type ProblemBody, UpstreamProblem } from './gateway-error';

/** The one code → status table of the gateway. Upstream problems keep the status the service gave. */
const STATUS: Record<GatewayErrorCode, [status: number, title: string]> = {
  VALIDATION_FAILED: [400, 'The request is invalid'],
  MALFORMED_JSON: [400, 'The body is not valid JSON'],
  INVALID_OAUTH_STATE: [400, 'The OAuth state is unknown, expired or already used'],
  OAUTH_DENIED: [400, 'QuickBooks did not grant access'],
  UNAUTHENTICATED: [401, 'A valid API key is required'],
  INVALID_SIGNATURE: [401, 'The webhook signature does not verify'],
  FORBIDDEN: [403, 'Your role does not allow this'],
  NOT_FOUND: [404, 'Not found'],
  ROUTE_NOT_FOUND: [404, 'No such endpoint'],
  METHOD_NOT_ALLOWED: [405, 'Method not allowed'],
  PAYLOAD_TOO_LARGE: [413, 'The body is too large'],
  UNSUPPORTED_MEDIA_TYPE: [415, 'The body must be application/json'],
  RATE_LIMITED: [429, 'Too many requests'],
  INTERNAL: [500, 'Internal error'],
  UPSTREAM_UNAVAILABLE: [502, 'A service behind the gateway is unavailable'],
  UPSTREAM_TIMEOUT: [504, 'A service behind the gateway did not answer in time'],
};

export function problemOf(code: GatewayErrorCode, detail: string, errors?: GatewayError['errors']): ProblemBody {
  const [status, title] = STATUS[code];
  return { type: `https://arbiter.dev/problems/${code.toLowerCase().replace(/_/g, '-')}`, title, status, detail, code, ...(errors ? { errors } : {}) };
}

/** Field errors of a zod parse, each with its dotted path (`ids.3`, `filter.issuedFrom`). */
export function validationProblem(error: ZodError, root = '(body)'): GatewayError {
  const fieldOf = (path: PropertyKey[]) => (path.length ? path.map(String).join('.') : root);
  // An unknown field is reported under its own name, not under the object that holds it.
  const errors = error.issues.flatMap((i) =>
    i.code === 'unrecognized_keys' ? i.keys.map((key) => ({ field: fieldOf([...i.path, key]), message: 'is not a known field' })) : [{ field: fieldOf(i.path), message: i.message }],
  );
  return new GatewayError('VALIDATION_FAILED', errors.map((e) => `${e.field}: ${e.message}`).join('; ').slice(0, 2000), errors);
}

/** What any error becomes on the wire; also used by the express-level middlewares that run before Nest. */
export function toProblem(error: unknown): { problem: ProblemBody; headers: Record<string, string> } {
  if (error instanceof GatewayError) return { problem: problemOf(error.code, error.detail, error.errors), headers: {} };
  if (error instanceof UpstreamProblem) return { problem: error.problem, headers: error.retryAfter ? { 'Retry-After': error.retryAfter } : {} };
  if (error instanceof ZodError) return toProblem(validationProblem(error));
  if (error instanceof ThrottlerException) return { problem: problemOf('RATE_LIMITED', 'the rate limit of this API key is exhausted; retry after the time in Retry-After'), headers: {} };
  if (error instanceof HttpException) {
    // Nest's own: an unmatched route (404) or a method the router does not have.
    const status = error.getStatus();
    if (status === 404) return { problem: problemOf('ROUTE_NOT_FOUND', 'no endpoint matches this method and path'), headers: {} };
    if (status === 405) return { problem: problemOf('METHOD_NOT_ALLOWED', 'this method is not allowed here'), headers: {} };
    if (status === 413) return { problem: problemOf('PAYLOAD_TOO_LARGE', 'the body is larger than this endpoint accepts'), headers: {} };
  }
  return { problem: problemOf('INTERNAL', 'an unexpected error occurred; it has been logged'), headers: {} };
}

export function sendProblem(res: Response, error: unknown): void {
  const { problem, headers } = toProblem(error);
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
}

/** Every error leaves the gateway as application/problem+json; nothing secret reaches the body or the log. */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger(HttpErrorFilter.name);

  catch(error: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const { problem } = toProblem(error);
    if (problem.status >= 500) {
      // Messages only: a stack of an upstream failure can carry a URL, never a key (keys are not in URLs).
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      this.logger.error(`request failed status=${problem.status} code=${problem.code} error=${message}`);
      if (!(error instanceof GatewayError) && error instanceof Error && error.stack) this.logger.debug(error.stack);
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    sendProblem(res, error);
  }
}
