import { type PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import { validationProblem } from '../http-error.filter';

/**
 * Validates one request part with a strict zod schema before anything else happens: a bad request never
 * reaches a service. Runs after the guards, so a caller outside the role gets 403 whatever the body says.
 */
class ZodPipe<S extends z.ZodType> implements PipeTransform<unknown, z.infer<S>> {
  constructor(
    private readonly schema: S,
    private readonly root: string,
  ) {}

  transform(value: unknown): z.infer<S> {
    const result = this.schema.safeParse(value);
    if (!result.success) throw validationProblem(result.error, this.root);
    return result.data;
  }
}

export const validBody = <S extends z.ZodType>(schema: S) => new ZodPipe(schema, '(body)');
export const validQuery = <S extends z.ZodType>(schema: S) => new ZodPipe(schema, '(query)');
/** A path parameter; its errors name the parameter. */
export const validParam = <S extends z.ZodType>(name: string, schema: S) => new ZodPipe(schema, name);
