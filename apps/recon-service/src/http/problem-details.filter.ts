import { DomainError } from '@arbiter/domain';
import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { ReconError, type ReconErrorCode } from '../errors';

/** The one table from error code to HTTP status. */
const STATUS: Record<ReconErrorCode, number> = {
  INVALID_REQUEST: 400,
  RUN_NOT_FOUND: 404,
  REPORT_NOT_READY: 409,
  TENANT_NOT_CONNECTED: 409,
  INTERNAL_TOKEN_REQUIRED: 401,
};

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  500: 'Internal Server Error',
};

/**
 * Maps every error leaving a controller to `application/problem+json` (RFC 9457) once: `{ type, title, status,
 * detail, code }`, plus `errors: [{ field, message }]` for invalid requests. Use cases throw ReconError or
 * DomainError, never HTTP exceptions; Nest's own (unknown route, malformed JSON body) keep their status.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger(ProblemDetailsFilter.name);

  catch(error: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    let status = 500;
    let code = 'INTERNAL';
    let detail = 'the reconciliation service failed; the error is logged';
    let errors: Array<{ field: string; message: string }> | undefined;
    if (error instanceof ReconError) {
      status = STATUS[error.code];
      code = error.code;
      detail = error.message;
      if (error.errors.length > 0) errors = error.errors;
    } else if (error instanceof DomainError) {
      status = 400;
      code = error.code;
      detail = error.message;
    } else if (error instanceof HttpException) {
      status = error.getStatus();
      code = status === 404 ? 'NOT_FOUND' : status === 400 ? 'INVALID_REQUEST' : `HTTP_${status}`;
      detail = error.message;
    } else {
      this.logger.error(`request failed reason=${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
    if (res.headersSent) return;
    res
      .status(status)
      .type('application/problem+json')
      .send(JSON.stringify({ type: `urn:arbiter:recon:${code.toLowerCase()}`, title: TITLES[status] ?? 'Error', status, detail, code, ...(errors ? { errors } : {}) }));
  }
}
