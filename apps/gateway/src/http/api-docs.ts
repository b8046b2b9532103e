import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiParam, ApiQuery, ApiResponse } from '@nestjs/swagger';
import { z } from 'zod';

/** @nestjs/swagger does not export its SchemaObject type; this is the part of it used here. */
type SchemaObject = Extract<NonNullable<Extract<Parameters<typeof ApiBody>[0], { schema: unknown }>['schema']>, { type?: unknown }>;

/** The OpenAPI 3.0 schema of what a caller sends (the input side of transforms and defaults). */
export function openApiSchema(schema: z.ZodType): SchemaObject {
  return z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input', unrepresentable: 'any' }) as SchemaObject;
}

/** Documents a JSON body from the same zod schema that validates it, so the document cannot drift from the code. */
export const ApiJsonBody = (schema: z.ZodType, description?: string) => ApiBody({ schema: openApiSchema(schema), description });

/** One `@ApiQuery` per field of a strict query schema. */
export function ApiQueryFrom(schema: z.ZodObject) {
  return applyDecorators(
    ...Object.entries(schema.shape).map(([name, field]) =>
      ApiQuery({ name, required: !(field as z.ZodType).safeParse(undefined).success, schema: openApiSchema(field as z.ZodType) }),
    ),
  );
}

export const ApiPathParam = (name: string, schema: z.ZodType, description?: string) => ApiParam({ name, schema: openApiSchema(schema), description });

const problem: SchemaObject = {
  type: 'object',
  required: ['type', 'title', 'status', 'detail', 'code'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    code: { type: 'string' },
    errors: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } } },
  },
};

/** The problem+json answers every authenticated endpoint can give. */
export function ApiProblems(...extra: number[]) {
  const described: Record<number, string> = {
    400: 'Validation failed: `errors` lists each bad field',
    401: 'No API key, or an unknown or revoked one',
    403: 'The API key’s role does not allow this',
    404: 'Not found (another tenant’s resource reads the same)',
    409: 'Not allowed in the resource’s current state',
    413: 'Body larger than the limit',
    415: 'Body is not application/json',
    429: 'Rate limit of the API key exhausted; see Retry-After',
    502: 'A service behind the gateway is unavailable',
    504: 'A service behind the gateway timed out',
  };
  return applyDecorators(
    ...[401, 403, 429, 502, 504, ...extra].map((status) =>
      ApiResponse({ status, description: described[status] ?? 'Error', content: { 'application/problem+json': { schema: problem } } }),
    ),
  );
}

export const pageOf = (item: SchemaObject): SchemaObject => ({
  type: 'object',
  required: ['items', 'nextCursor'],
  properties: { items: { type: 'array', items: item }, nextCursor: { type: 'string', nullable: true, description: 'pass as ?cursor= for the next page; null on the last' } },
});
