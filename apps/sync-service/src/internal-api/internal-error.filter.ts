import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { ZodError } from 'zod';
import { ActionError } from '../problems/problem-actions';
import { InvalidRequest } from './cursor';

/** The one code → status table of the internal API; answers are application/problem+json. */
@Catch()
export class InternalErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger(InternalErrorFilter.name);

  catch(error: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const send = (status: number, code: string, title: string, detail: string, extra: Record<string, unknown> = {}): void => void
      res.status(status).type('application/problem+json').send(JSON.stringify({ type: `https://arbiter.dev/problems/${code.toLowerCase()}`, title, status, detail, code, ...extra }));
    if (error instanceof ZodError) {
      const errors = error.issues.map((i) => ({ field: i.path.join('.') || '(body)', message: i.message }));
      return send(400, 'VALIDATION_FAILED', 'The request is invalid', errors.map((e) => `${e.field}: ${e.message}`).join('; '), { errors });
    }
    if (error instanceof InvalidRequest) return send(400, 'VALIDATION_FAILED', 'The request is invalid', error.message, { errors: error.fields });
    if (error instanceof ActionError) {
      const status = error.code === 'NOT_FOUND' ? 404 : error.code === 'NOT_ALLOWED' ? 409 : 400;
      return send(status, error.code, error.code === 'NOT_FOUND' ? 'Not found' : 'Not allowed', error.message);
    }
    if (error instanceof HttpException) return send(error.getStatus(), 'HTTP_' + error.getStatus(), error.message, error.message);
    this.logger.error(`internal API failure: ${(error as Error)?.stack ?? String(error)}`);
    return send(500, 'INTERNAL', 'Internal error', 'an unexpected error occurred; it has been logged');
  }
}
