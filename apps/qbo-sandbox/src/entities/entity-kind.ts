import { Company, EntityName, EntityRecord } from '../company-store';
import { JsonObject, isJsonObject } from '../json/exact-json';
import { Faults } from '../qbo-fault';
import { readBoolean, readString } from './fields';

/** Who is writing. The API enforces every rule; a "QuickBooks user" may write into a closed period (with the closing password); seeding bypasses it too. */
export type Actor = 'api' | 'user' | 'seed';

export interface WriteContext {
  readonly company: Company;
  /** Epoch ms shared by every record the operation touches. */
  readonly now: number;
  /** `include=` flags of the request (allowduplicatedocnum, void, invoicelink), lower-case. */
  readonly include: ReadonlySet<string>;
  readonly actor: Actor;
  /**
   * "Type:Id" of objects created earlier in the same batch: QuickBooks does not make them
   * available to later items of that batch (reference §6), so references to them fail.
   */
  readonly hiddenInBatch?: ReadonlySet<string>;
}

/** Fields every entity carries that the store owns; accepted in requests and ignored. */
export const ENVELOPE_FIELDS: ReadonlySet<string> = new Set(['Id', 'SyncToken', 'MetaData', 'domain', 'sparse', 'status']);

/**
 * What the generic create/update/delete/void flow needs from one entity type. `prepare` validates
 * a candidate and returns the data to store without touching the company (so a fault leaves no
 * trace); the `after*` hooks then apply cross-entity effects (applications, balances).
 */
export interface EntityKind {
  readonly name: EntityName;
  /** Fields a client may write. Anything outside these, `readOnly` and the envelope is a 2010 fault. */
  readonly writable: ReadonlySet<string>;
  /** Server-computed fields: accepted in requests (clients echo them back) and ignored. */
  readonly readOnly: ReadonlySet<string>;
  readonly creatable: boolean;
  readonly deletable: boolean;
  readonly voidable: boolean;
  prepare(ctx: WriteContext, candidate: JsonObject, existing: EntityRecord | undefined): JsonObject;
  afterWrite?(ctx: WriteContext, record: EntityRecord, previous: JsonObject | undefined): void;
  /** Throws when the object may not be deleted (e.g. linked transactions). */
  beforeDelete?(ctx: WriteContext, record: EntityRecord): void;
  afterDelete?(ctx: WriteContext, record: EntityRecord, previous: JsonObject): void;
  /**
   * Voids the object after the generic checks passed: unlinks what must be unlinked, stores the
   * voided data (amounts zeroed, "Voided" note) with `company.markVoided`, and fixes balances.
   */
  voidRecord?(ctx: WriteContext, record: EntityRecord): void;
  /** The entity's JSON without envelope, with reference names filled in. */
  render(company: Company, record: EntityRecord): JsonObject;
}

export function isHidden(ctx: WriteContext, type: EntityName, id: string): boolean {
  return ctx.hiddenInBatch?.has(`${type}:${id}`) ?? false;
}

/**
 * Resolves a reference to a name-list object: unknown Id → 2500, inactive → 610.
 * @throws QboFault 2500 / 610
 */
export function resolveNameRef(ctx: WriteContext, type: EntityName, id: string, element: string): EntityRecord {
  const record = ctx.company.live(type, id);
  if (!record || isHidden(ctx, type, id)) throw Faults.invalidReference(element);
  if (readBoolean(record.data, 'Active') === false) throw Faults.inactiveReference(element);
  return record;
}

/** Copies `ref` objects with their current display name, for rendering. */
export function namedRef(company: Company, value: unknown, type: EntityName): unknown {
  if (!isJsonObject(value)) return value;
  const id = readString(value, 'value');
  if (!id) return value;
  const target = company.get(type, id);
  const name = target ? displayNameOf(target) : undefined;
  return name === undefined ? { ...value } : { ...value, name };
}

export function displayNameOf(record: EntityRecord): string | undefined {
  const d = record.data;
  const v = record.type === 'Customer' ? (d['FullyQualifiedName'] ?? d['DisplayName']) : (d['FullyQualifiedName'] ?? d['Name']);
  return typeof v === 'string' ? v : undefined;
}

/** Checks a request for properties QuickBooks would not recognise. @throws QboFault 2010 */
export function rejectUnknownFields(kind: EntityKind, body: JsonObject): void {
  for (const key of Object.keys(body)) {
    if (ENVELOPE_FIELDS.has(key) || kind.writable.has(key) || kind.readOnly.has(key)) continue;
    throw Faults.invalidProperty(`Unrecognized field "${key}" specified value; ${kind.name} has no such property`, key);
  }
}
