import { Company, EntityRecord } from '../company-store';
import { JsonObject } from '../json/exact-json';
import { Faults } from '../qbo-fault';
import { EntityKind, WriteContext } from './entity-kind';
import { checkLength, readObject, readString } from './fields';

/** CompanyInfo (reference §2.9): one object per company, Id "1"; update only. */
export const CompanyInfoKind: EntityKind = {
  name: 'CompanyInfo',
  creatable: false,
  deletable: false,
  voidable: false,
  writable: new Set([
    'CompanyName', 'LegalName', 'CompanyAddr', 'CustomerCommunicationAddr', 'LegalAddr', 'PrimaryPhone',
    'CompanyStartDate', 'FiscalYearStartMonth', 'Country', 'Email', 'WebAddr', 'SupportedLanguages', 'NameValue',
    'EmployerId', 'CustomerCommunicationEmailAddr',
  ]),
  readOnly: new Set([]),

  prepare(_ctx: WriteContext, candidate: JsonObject, _existing: EntityRecord | undefined): JsonObject {
    const name = readString(candidate, 'CompanyName');
    if (!name) throw Faults.requiredParam('CompanyName');
    checkLength(name, 'CompanyName', 1024);
    if (!readObject(candidate, 'CompanyAddr')) throw Faults.requiredParam('CompanyAddr');
    return { ...candidate };
  },

  render(_company: Company, record: EntityRecord): JsonObject {
    return { ...record.data };
  },
};
