import { Company, EntityRecord } from '../company-store';
import { JsonObject } from '../json/exact-json';
import { Dec, ZERO } from '../money';
import { Faults } from '../qbo-fault';
import { EntityKind, WriteContext, namedRef, resolveNameRef } from './entity-kind';
import { checkLength, readBoolean, readObject, readRef, readString } from './fields';

const NAME_PARTS = ['Title', 'GivenName', 'MiddleName', 'FamilyName', 'Suffix'] as const;

/** Sub-customers nest at most this deep under a top-level customer (reference §2.3: "up to 4 levels"). */
const MAX_LEVEL = 4;

export const CustomerKind: EntityKind = {
  name: 'Customer',
  creatable: true,
  deletable: false,
  voidable: false,
  writable: new Set([
    'DisplayName', 'Title', 'GivenName', 'MiddleName', 'FamilyName', 'Suffix', 'CompanyName', 'PrintOnCheckName',
    'Active', 'PrimaryPhone', 'AlternatePhone', 'Mobile', 'Fax', 'PrimaryEmailAddr', 'WebAddr', 'OtherContactInfo',
    'DefaultTaxCodeRef', 'Taxable', 'TaxExemptionReasonId', 'BillAddr', 'ShipAddr', 'Notes', 'Job', 'BillWithParent',
    'ParentRef', 'SalesTermRef', 'PaymentMethodRef', 'CurrencyRef', 'PreferredDeliveryMethod', 'ResaleNum',
    'ARAccountRef', 'PrimaryTaxIdentifier', 'SecondaryTaxIdentifier', 'BusinessNumber', 'GSTIN',
    'GSTRegistrationType', 'IsProject', 'CustomerTypeRef', 'OpenBalanceDate', 'Source', 'ClientEntityId',
  ]),
  readOnly: new Set(['Balance', 'BalanceWithJobs', 'FullyQualifiedName', 'Level', 'V4IDPseudonym', 'TaxRegistrationNumber']),

  prepare(ctx: WriteContext, candidate: JsonObject, existing: EntityRecord | undefined): JsonObject {
    const { company } = ctx;
    const data: JsonObject = { ...candidate };
    for (const field of CustomerKind.readOnly) delete data[field];

    let displayName = readString(candidate, 'DisplayName')?.trim();
    if (!displayName) {
      const parts = NAME_PARTS.map((p) => readString(candidate, p)?.trim()).filter((p): p is string => !!p);
      if (parts.length === 0) throw Faults.noNameProvided();
      displayName = parts.join(' ');
    }
    checkLength(displayName, 'DisplayName', 500);
    if (/[:\t\n]/.test(displayName)) throw Faults.business('The name cannot contain a colon (:), tab or new line.', 'DisplayName');
    data['DisplayName'] = displayName;

    // Names stay reserved while a customer is inactive, so a clash is reported rather than silently allowed.
    const holder = company.idForName('Customer', displayName);
    if (holder !== undefined && holder !== existing?.id) throw Faults.duplicateName('name-list');

    const email = readObject(candidate, 'PrimaryEmailAddr');
    if (email) {
      const address = readString(email, 'Address');
      if (address !== undefined && !(address.includes('@') && address.includes('.'))) throw Faults.invalidEmail(address);
    }

    const termId = readRef(candidate, 'SalesTermRef');
    if (termId) resolveNameRef(ctx, 'Term', termId, 'SalesTermRef');

    let level = 0;
    let fullyQualified = displayName;
    const parentId = readRef(candidate, 'ParentRef');
    if (parentId) {
      if (parentId === existing?.id) throw Faults.business('A customer cannot be its own parent.', 'ParentRef');
      const parent = resolveNameRef(ctx, 'Customer', parentId, 'ParentRef');
      level = Number(readString(parent.data, 'Level') ?? '0') + 1;
      if (level > MAX_LEVEL) throw Faults.business(`Sub-customers can be nested at most ${MAX_LEVEL} levels deep.`, 'ParentRef');
      fullyQualified = `${readString(parent.data, 'FullyQualifiedName') ?? readString(parent.data, 'DisplayName')}:${displayName}`;
      data['Job'] = readBoolean(candidate, 'Job') ?? true;
      data['BillWithParent'] = readBoolean(candidate, 'BillWithParent') ?? false;
    } else {
      data['Job'] = false;
      data['BillWithParent'] = false;
    }
    data['FullyQualifiedName'] = fullyQualified;
    data['Level'] = new Dec(level);
    data['Active'] = readBoolean(candidate, 'Active') ?? true;
    data['Taxable'] = readBoolean(candidate, 'Taxable') ?? false;
    data['CurrencyRef'] = existing?.data['CurrencyRef'] ?? candidate['CurrencyRef'] ?? { value: 'USD', name: 'United States Dollar' };
    data['PreferredDeliveryMethod'] = readString(candidate, 'PreferredDeliveryMethod') ?? 'Print';
    // Balances are derived from the customer's transactions (applications.ts keeps them current).
    data['Balance'] = existing?.data['Balance'] ?? ZERO;
    data['BalanceWithJobs'] = existing?.data['BalanceWithJobs'] ?? ZERO;
    return data;
  },

  render(company: Company, record: EntityRecord): JsonObject {
    const out: JsonObject = { ...record.data };
    if (out['SalesTermRef']) out['SalesTermRef'] = namedRef(company, out['SalesTermRef'], 'Term') as JsonObject;
    if (out['ParentRef']) out['ParentRef'] = namedRef(company, out['ParentRef'], 'Customer') as JsonObject;
    return out;
  },
};
