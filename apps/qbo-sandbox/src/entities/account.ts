import { Company, EntityRecord } from '../company-store';
import { JsonObject } from '../json/exact-json';
import { ZERO } from '../money';
import { Faults } from '../qbo-fault';
import { EntityKind, WriteContext, namedRef, resolveNameRef } from './entity-kind';
import { checkLength, readBoolean, readRef, readString } from './fields';

/** AccountType → Classification (reference §2.6). */
export const ACCOUNT_CLASSIFICATION: Readonly<Record<string, string>> = {
  Bank: 'Asset',
  'Other Current Asset': 'Asset',
  'Fixed Asset': 'Asset',
  'Other Asset': 'Asset',
  'Accounts Receivable': 'Asset',
  Equity: 'Equity',
  Expense: 'Expense',
  'Other Expense': 'Expense',
  'Cost of Goods Sold': 'Expense',
  'Accounts Payable': 'Liability',
  'Credit Card': 'Liability',
  'Long Term Liability': 'Liability',
  'Other Current Liability': 'Liability',
  Income: 'Revenue',
  'Other Income': 'Revenue',
};

/** Enough sub-types to infer the type when only AccountSubType is sent. */
const SUBTYPE_TO_TYPE: Readonly<Record<string, string>> = {
  AccountsReceivable: 'Accounts Receivable',
  AccountsPayable: 'Accounts Payable',
  Checking: 'Bank',
  Savings: 'Bank',
  CashOnHand: 'Bank',
  UndepositedFunds: 'Other Current Asset',
  Inventory: 'Other Current Asset',
  OtherCurrentAssets: 'Other Current Asset',
  ServiceFeeIncome: 'Income',
  SalesOfProductIncome: 'Income',
  DiscountsRefundsGiven: 'Income',
  OtherPrimaryIncome: 'Income',
  SuppliesMaterialsCogs: 'Cost of Goods Sold',
  OtherMiscellaneousServiceCost: 'Expense',
  OpeningBalanceEquity: 'Equity',
  RetainedEarnings: 'Equity',
  CreditCard: 'Credit Card',
};

export const AccountKind: EntityKind = {
  name: 'Account',
  creatable: true,
  deletable: false,
  voidable: false,
  writable: new Set([
    'Name', 'AcctNum', 'Description', 'Active', 'SubAccount', 'ParentRef', 'AccountType', 'AccountSubType',
    'Classification', 'CurrencyRef', 'TaxCodeRef', 'AccountAlias', 'TxnLocationType', 'OpeningBalance',
    'OpeningBalanceDate',
  ]),
  readOnly: new Set(['FullyQualifiedName', 'CurrentBalance', 'CurrentBalanceWithSubAccounts']),

  prepare(ctx: WriteContext, candidate: JsonObject, existing: EntityRecord | undefined): JsonObject {
    const data: JsonObject = { ...candidate };
    for (const field of AccountKind.readOnly) delete data[field];
    const name = readString(candidate, 'Name')?.trim();
    if (!name) throw Faults.requiredParam('Name');
    checkLength(name, 'Name', 100);
    if (/[:"]/.test(name)) throw Faults.business('The account name cannot contain a colon (:) or double quote.', 'Name');
    data['Name'] = name;
    const holder = ctx.company.idForName('Account', name);
    if (holder !== undefined && holder !== existing?.id) throw Faults.duplicateName('account');

    let type = readString(candidate, 'AccountType');
    const subType = readString(candidate, 'AccountSubType');
    if (!type && !subType) throw Faults.accountTypeMissing();
    if (!type && subType) {
      type = SUBTYPE_TO_TYPE[subType];
      if (!type) throw Faults.accountTypeMissing();
    }
    if (!type || !(type in ACCOUNT_CLASSIFICATION)) throw Faults.invalidEnumeration('AccountType', String(type));
    data['AccountType'] = type;
    if (subType) data['AccountSubType'] = subType;
    data['Classification'] = ACCOUNT_CLASSIFICATION[type];

    let fullyQualified = name;
    const parentId = readRef(candidate, 'ParentRef');
    if (parentId) {
      const parent = resolveNameRef(ctx, 'Account', parentId, 'ParentRef');
      fullyQualified = `${readString(parent.data, 'FullyQualifiedName')}:${name}`;
      data['SubAccount'] = true;
    } else {
      data['SubAccount'] = false;
    }
    data['FullyQualifiedName'] = fullyQualified;
    data['Active'] = readBoolean(candidate, 'Active') ?? true;
    data['CurrencyRef'] = candidate['CurrencyRef'] ?? { value: 'USD', name: 'United States Dollar' };
    data['CurrentBalance'] = existing?.data['CurrentBalance'] ?? ZERO;
    data['CurrentBalanceWithSubAccounts'] = existing?.data['CurrentBalanceWithSubAccounts'] ?? ZERO;
    return data;
  },

  render(company: Company, record: EntityRecord): JsonObject {
    const out: JsonObject = { ...record.data };
    if (out['ParentRef']) out['ParentRef'] = namedRef(company, out['ParentRef'], 'Account') as JsonObject;
    return out;
  },
};
