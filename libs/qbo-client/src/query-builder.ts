import { QBO_ENTITY_NAMES, type QueryableEntity } from './qbo-entities';
import { QboClientUsageError } from './qbo-errors';

/** QuickBooks returns at most 1000 rows per query; STARTPOSITION is 1-based. */
export const QBO_MAX_RESULTS = 1000;

export type QueryOperator = '=' | '<' | '>' | '<=' | '>=' | 'IN' | 'LIKE';
/** Values are always sent quoted (QuickBooks accepts `TotalAmt > '1000.00'`), except booleans. */
export type QueryValue = string | number | boolean;

interface Condition {
  property: string;
  operator: QueryOperator;
  value: QueryValue | readonly QueryValue[];
}

const OPERATORS: ReadonlySet<string> = new Set(['=', '<', '>', '<=', '>=', 'IN', 'LIKE']);
/** A property or dotted sub-property (`MetaData.LastUpdatedTime`, `CustomerRef`). Nothing else reaches the text. */
const PROPERTY = /^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)?$/;
// Control characters cannot be names in QuickBooks and would break the statement's lexing.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

/**
 * Quotes a value for QuickBooks' query language: backslash first, then the single quote, each escaped
 * with a backslash (`Adam's` → `'Adam\'s'`).
 * @throws QboClientUsageError for control characters or non-finite numbers.
 */
export function quoteQueryValue(value: QueryValue): string {
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new QboClientUsageError(`query value must be finite, got ${value}`);
    // Numbers here are ids, counts or days; money in a filter is a decimal string, passed as a string.
    return `'${String(value)}'`;
  }
  if (CONTROL_CHARS.test(value)) throw new QboClientUsageError('query value contains a control character');
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/**
 * A LIKE pattern matching values that start with / contain / end with `text`. QuickBooks' only wildcard
 * is `%` and no escape for a literal `%` is documented, so text containing `%` is refused rather than
 * silently widening the match.
 * @throws QboClientUsageError when `text` contains `%`.
 */
export const likePattern = {
  startsWith: (text: string): string => `${literalForLike(text)}%`,
  contains: (text: string): string => `%${literalForLike(text)}%`,
  endsWith: (text: string): string => `%${literalForLike(text)}`,
};

function literalForLike(text: string): string {
  if (text.includes('%')) throw new QboClientUsageError('LIKE text cannot contain "%" (QuickBooks has no escape for it)');
  return text;
}

/**
 * Builds `SELECT * FROM <Entity> WHERE … ORDERBY … STARTPOSITION … MAXRESULTS …` without ever
 * concatenating caller input unescaped. Immutable: each method returns a new builder.
 */
export class QboQuery<E extends QueryableEntity = QueryableEntity> {
  private constructor(
    readonly entity: E,
    private readonly conditions: readonly Condition[],
    private readonly order: { property: string; direction: 'ASC' | 'DESC' } | undefined,
  ) {}

  /** @throws QboClientUsageError for an unknown entity name. */
  static from<E extends QueryableEntity>(entity: E): QboQuery<E> {
    if (!QBO_ENTITY_NAMES.includes(entity)) throw new QboClientUsageError(`unknown QuickBooks entity ${String(entity)}`);
    return new QboQuery(entity, [], undefined);
  }

  /**
   * Adds `property operator value`, joined with AND (QuickBooks has no OR). For IN pass an array.
   * @throws QboClientUsageError for a bad property name, operator or value.
   */
  where(property: string, operator: QueryOperator, value: QueryValue | readonly QueryValue[]): QboQuery<E> {
    assertProperty(property);
    if (!OPERATORS.has(operator)) throw new QboClientUsageError(`unsupported query operator ${String(operator)}`);
    if (operator === 'IN') {
      if (!Array.isArray(value) || value.length === 0) throw new QboClientUsageError('IN needs a non-empty list');
    } else if (Array.isArray(value)) {
      throw new QboClientUsageError(`${operator} takes one value, not a list`);
    }
    // Validate now so a bad value fails where it was added, not when the query runs.
    (Array.isArray(value) ? value : [value]).forEach((v) => quoteQueryValue(v as QueryValue));
    return new QboQuery(this.entity, [...this.conditions, { property, operator, value }], this.order);
  }

  /** @throws QboClientUsageError for a bad property name. */
  orderBy(property: string, direction: 'ASC' | 'DESC' = 'ASC'): QboQuery<E> {
    assertProperty(property);
    return new QboQuery(this.entity, this.conditions, { property, direction: direction === 'DESC' ? 'DESC' : 'ASC' });
  }

  /** True once an ORDERBY was set; paging without one may skip or repeat rows when data changes. */
  get ordered(): boolean {
    return this.order !== undefined;
  }

  /**
   * The statement text. `startPosition` is 1-based; `maxResults` is 1..1000.
   * @throws QboClientUsageError for out-of-range paging values.
   */
  toStatement(page?: { startPosition: number; maxResults: number }): string {
    return this.render('SELECT *', page);
  }

  /** `SELECT COUNT(*)` with the same conditions. */
  toCountStatement(): string {
    return this.render('SELECT COUNT(*)', undefined, false);
  }

  private render(select: string, page: { startPosition: number; maxResults: number } | undefined, withOrder = true): string {
    const parts = [`${select} FROM ${this.entity}`];
    if (this.conditions.length > 0) {
      parts.push(`WHERE ${this.conditions.map(renderCondition).join(' AND ')}`);
    }
    if (withOrder && this.order) parts.push(`ORDERBY ${this.order.property} ${this.order.direction}`);
    if (page) {
      if (!Number.isInteger(page.startPosition) || page.startPosition < 1) throw new QboClientUsageError('startPosition must be an integer >= 1');
      if (!Number.isInteger(page.maxResults) || page.maxResults < 1 || page.maxResults > QBO_MAX_RESULTS) {
        throw new QboClientUsageError(`maxResults must be an integer in 1..${QBO_MAX_RESULTS}`);
      }
      parts.push(`STARTPOSITION ${page.startPosition} MAXRESULTS ${page.maxResults}`);
    }
    return parts.join(' ');
  }
}

function renderCondition(c: Condition): string {
  const value = Array.isArray(c.value)
    ? `(${(c.value as QueryValue[]).map(quoteQueryValue).join(', ')})`
    : quoteQueryValue(c.value as QueryValue);
  return `${c.property} ${c.operator} ${value}`;
}

function assertProperty(property: string): void {
  if (typeof property !== 'string' || !PROPERTY.test(property)) {
    throw new QboClientUsageError(`invalid query property name ${JSON.stringify(property)}`);
  }
}

/** Shorthand for {@link QboQuery.from}. */
export const qboQuery = <E extends QueryableEntity>(entity: E): QboQuery<E> => QboQuery.from(entity);
