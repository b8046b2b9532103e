import { Type, type EntityProperty } from '@mikro-orm/core';
import Decimal from 'decimal.js';

/**
 * Money and quantities in PostgreSQL: `numeric(p,s)` ↔ decimal.js `Decimal`, never a JS number.
 * pg returns numeric as a string, so nothing is lost on the way in; on the way out we write the
 * exact text at the column's scale. Values are compared numerically, so "1.5" and "1.5000" do not
 * produce spurious UPDATEs.
 */
export class DecimalType extends Type<Decimal | null | undefined, string | null | undefined> {
  constructor(
    private readonly precision = 19,
    private readonly scale = 4,
  ) {
    super();
  }

  override convertToDatabaseValue(value: Decimal | string | null | undefined): string | null | undefined {
    if (value === null || value === undefined) return value;
    const decimal = value instanceof Decimal ? value : new Decimal(value);
    if (!decimal.isFinite()) throw new TypeError(`not a finite decimal: ${decimal.toString()}`);
    if (decimal.decimalPlaces() > this.scale) {
      throw new RangeError(`${decimal.toString()} has more than ${this.scale} decimal places; round it in the domain first`);
    }
    return decimal.toFixed(this.scale);
  }

  override convertToJSValue(value: Decimal | string | null | undefined): Decimal | null | undefined {
    if (value === null || value === undefined) return value;
    return value instanceof Decimal ? value : new Decimal(value);
  }

  override compareAsType(): string {
    return 'string';
  }

  override compareValues(a: string | null | undefined, b: string | null | undefined): boolean {
    if (a === null || a === undefined || b === null || b === undefined) return a === b;
    return new Decimal(a).eq(new Decimal(b));
  }

  override getColumnType(_prop?: EntityProperty): string {
    return `numeric(${this.precision},${this.scale})`;
  }

  override toJSON(value: Decimal | null | undefined): string | null | undefined {
    return value === null || value === undefined ? value : value.toFixed();
  }

  override ensureComparable(): boolean {
    return false;
  }
}
