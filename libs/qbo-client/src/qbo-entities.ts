import type { QboDecimal } from './qbo-json';

// Shapes follow QuickBooks Online Accounting API v3 JSON (minorversion 75). Field names keep QuickBooks'
// spelling on purpose: these are wire types, mapped to the domain elsewhere. Every decimal is a QboDecimal
// string (see qbo-json.ts). Only the fields Arbiter reads or writes are typed; QuickBooks may return more,
// and those extra fields are still present at runtime.

export interface Ref {
  value: string;
  name?: string;
}

export interface MetaData {
  CreateTime?: string;
  LastUpdatedTime?: string;
}

export interface EmailAddress {
  Address?: string;
}

export interface PhysicalAddress {
  Id?: string;
  Line1?: string;
  Line2?: string;
  Line3?: string;
  City?: string;
  CountrySubDivisionCode?: string;
  PostalCode?: string;
  Country?: string;
}

export interface LinkedTxn {
  TxnId: string;
  TxnType: string;
  TxnLineId?: string;
}

export interface CustomField {
  DefinitionId: string;
  Name?: string;
  Type?: string;
  StringValue?: string;
}

/** Fields every stored QuickBooks object carries. `SyncToken` is the optimistic-concurrency version. */
export interface QboEntityBase {
  Id: string;
  SyncToken: string;
  MetaData?: MetaData;
  domain?: string;
  sparse?: boolean;
}

export interface Customer extends QboEntityBase {
  DisplayName: string;
  CompanyName?: string;
  GivenName?: string;
  FamilyName?: string;
  PrimaryEmailAddr?: EmailAddress;
  PrimaryPhone?: { FreeFormNumber?: string };
  BillAddr?: PhysicalAddress;
  ShipAddr?: PhysicalAddress;
  Notes?: string;
  SalesTermRef?: Ref;
  CurrencyRef?: Ref;
  Active?: boolean;
  Taxable?: boolean;
  Job?: boolean;
  ParentRef?: Ref;
  FullyQualifiedName?: string;
  /** Open balance, read-only. */
  Balance?: QboDecimal;
  BalanceWithJobs?: QboDecimal;
  PreferredDeliveryMethod?: 'Print' | 'Email' | 'None';
}

export interface Item extends QboEntityBase {
  Name: string;
  Type?: 'Inventory' | 'Service' | 'NonInventory' | 'Category' | 'Group';
  Sku?: string;
  Description?: string;
  UnitPrice?: QboDecimal;
  PurchaseCost?: QboDecimal;
  IncomeAccountRef?: Ref;
  ExpenseAccountRef?: Ref;
  AssetAccountRef?: Ref;
  Taxable?: boolean;
  Active?: boolean;
  FullyQualifiedName?: string;
  TrackQtyOnHand?: boolean;
  QtyOnHand?: QboDecimal;
  InvStartDate?: string;
}

export interface Account extends QboEntityBase {
  Name: string;
  FullyQualifiedName?: string;
  AcctNum?: string;
  Classification?: 'Asset' | 'Liability' | 'Equity' | 'Revenue' | 'Expense';
  AccountType?: string;
  AccountSubType?: string;
  CurrentBalance?: QboDecimal;
  CurrentBalanceWithSubAccounts?: QboDecimal;
  Active?: boolean;
  SubAccount?: boolean;
  ParentRef?: Ref;
  CurrencyRef?: Ref;
}

export interface Term extends QboEntityBase {
  Name: string;
  Type?: 'STANDARD' | 'DATE_DRIVEN';
  /** Whole days from the transaction date to the due date (STANDARD terms). */
  DueDays?: number;
  DiscountPercent?: QboDecimal;
  DiscountDays?: number;
  DayOfMonthDue?: number;
  DueNextMonthDays?: number;
  DiscountDayOfMonth?: number;
  Active?: boolean;
}

export interface SalesItemLineDetail {
  ItemRef?: Ref;
  Qty?: QboDecimal;
  UnitPrice?: QboDecimal;
  TaxCodeRef?: Ref;
  ServiceDate?: string;
  ClassRef?: Ref;
}

export interface DiscountLineDetail {
  PercentBased?: boolean;
  DiscountPercent?: QboDecimal;
  DiscountAccountRef?: Ref;
}

/** One invoice / credit memo line. `Amount` of a SalesItemLine must equal Qty × UnitPrice (else 6070). */
export interface SalesLine {
  Id?: string;
  LineNum?: number;
  Description?: string;
  Amount?: QboDecimal;
  DetailType: 'SalesItemLineDetail' | 'DiscountLineDetail' | 'SubTotalLineDetail' | 'DescriptionOnly' | 'GroupLineDetail';
  SalesItemLineDetail?: SalesItemLineDetail;
  DiscountLineDetail?: DiscountLineDetail;
  SubTotalLineDetail?: Record<string, never>;
  DescriptionLineDetail?: Record<string, unknown>;
}

export interface TxnTaxDetail {
  TxnTaxCodeRef?: Ref;
  TotalTax?: QboDecimal;
}

export interface Invoice extends QboEntityBase {
  DocNumber?: string;
  TxnDate?: string;
  DueDate?: string;
  CustomerRef: Ref;
  SalesTermRef?: Ref;
  Line: SalesLine[];
  PrivateNote?: string;
  CustomerMemo?: { value: string };
  BillEmail?: EmailAddress;
  EmailStatus?: 'NotSet' | 'NeedToSend' | 'EmailSent';
  PrintStatus?: 'NotSet' | 'NeedToPrint' | 'PrintComplete';
  LinkedTxn?: LinkedTxn[];
  TxnTaxDetail?: TxnTaxDetail;
  ApplyTaxAfterDiscount?: boolean;
  CustomField?: CustomField[];
  CurrencyRef?: Ref;
  ExchangeRate?: QboDecimal;
  BillAddr?: PhysicalAddress;
  ShipAddr?: PhysicalAddress;
  /** Computed by QuickBooks, read-only. */
  TotalAmt?: QboDecimal;
  /** Open amount, read-only; "0" means fully paid. */
  Balance?: QboDecimal;
  Deposit?: QboDecimal;
  HomeBalance?: QboDecimal;
  HomeTotalAmt?: QboDecimal;
  InvoiceLink?: string;
}

export interface PaymentLine {
  Amount: QboDecimal;
  LinkedTxn: LinkedTxn[];
}

export interface Payment extends QboEntityBase {
  CustomerRef: Ref;
  TotalAmt: QboDecimal;
  TxnDate?: string;
  PaymentRefNum?: string;
  PaymentMethodRef?: Ref;
  DepositToAccountRef?: Ref;
  ARAccountRef?: Ref;
  PrivateNote?: string;
  Line?: PaymentLine[];
  LinkedTxn?: LinkedTxn[];
  CurrencyRef?: Ref;
  ExchangeRate?: QboDecimal;
  /** TotalAmt − Σ Line.Amount, read-only and not queryable. */
  UnappliedAmt?: QboDecimal;
  ProcessPayment?: boolean;
  TxnStatus?: string;
}

export interface CreditMemo extends QboEntityBase {
  DocNumber?: string;
  TxnDate?: string;
  CustomerRef: Ref;
  Line: SalesLine[];
  PrivateNote?: string;
  CustomerMemo?: { value: string };
  CurrencyRef?: Ref;
  ExchangeRate?: QboDecimal;
  TxnTaxDetail?: TxnTaxDetail;
  TotalAmt?: QboDecimal;
  Balance?: QboDecimal;
  /** Credit still available to apply, read-only. */
  RemainingCredit?: QboDecimal;
}

export interface Preferences extends QboEntityBase {
  AccountingInfoPrefs?: {
    /** Books closed on and before this date (YYYY-MM-DD); absent when closing is off. */
    BookCloseDate?: string;
    CustomerTerminology?: string;
    FirstMonthOfFiscalYear?: string;
  };
  SalesFormsPrefs?: {
    CustomTxnNumbers?: boolean;
    DefaultTerms?: Ref;
    AllowDiscount?: boolean;
    CustomField?: unknown[];
  };
  CurrencyPrefs?: {
    MultiCurrencyEnabled?: boolean;
    HomeCurrency?: Ref;
  };
  ReportPrefs?: {
    ReportBasis?: 'Accrual' | 'Cash';
    CalcAgingReportFromTxnDate?: boolean;
  };
}

export interface CompanyInfo extends QboEntityBase {
  CompanyName: string;
  LegalName?: string;
  CompanyAddr?: PhysicalAddress;
  Country?: string;
  Email?: EmailAddress;
  FiscalYearStartMonth?: string;
  CompanyStartDate?: string;
  NameValue?: Array<{ Name: string; Value: string }>;
}

/** Entity name → type. The name is QuickBooks' own (used in JSON envelopes and in query text). */
export interface QboEntityMap {
  Customer: Customer;
  Item: Item;
  Account: Account;
  Term: Term;
  Invoice: Invoice;
  Payment: Payment;
  CreditMemo: CreditMemo;
  Preferences: Preferences;
  CompanyInfo: CompanyInfo;
}

export type QboEntityName = keyof QboEntityMap;
export type CreatableEntity = 'Customer' | 'Item' | 'Account' | 'Term' | 'Invoice' | 'Payment' | 'CreditMemo';
/** Name-list entities are never deleted in QuickBooks; they are deactivated (`Active: false`). */
export type NameListEntity = 'Customer' | 'Item' | 'Account' | 'Term';
export type VoidableEntity = 'Invoice' | 'Payment' | 'CreditMemo';
export type DeletableEntity = 'Invoice' | 'Payment' | 'CreditMemo';
export type UpdatableEntity = QboEntityName;
/** Entities whose list can be read with the query language (Preferences/CompanyInfo too, one row each). */
export type QueryableEntity = QboEntityName;
/** Entities Change Data Capture reports on, among the ones this lib types. */
export type CdcEntity = 'Customer' | 'Item' | 'Account' | 'Term' | 'Invoice' | 'Payment' | 'CreditMemo';

export const QBO_ENTITY_NAMES: readonly QboEntityName[] = [
  'Customer',
  'Item',
  'Account',
  'Term',
  'Invoice',
  'Payment',
  'CreditMemo',
  'Preferences',
  'CompanyInfo',
];

/** Fields QuickBooks computes or owns; sending them is pointless (they are ignored or overwritten). */
type ServerOwnedKey = 'Id' | 'SyncToken' | 'MetaData' | 'domain' | 'sparse' | 'TotalAmt' | 'Balance' | 'BalanceWithJobs'
  | 'UnappliedAmt' | 'RemainingCredit' | 'HomeBalance' | 'HomeTotalAmt' | 'CurrentBalance' | 'CurrentBalanceWithSubAccounts'
  | 'InvoiceLink' | 'FullyQualifiedName';

type Writable<T> = Omit<T, ServerOwnedKey>;

/** Create bodies: everything writable, with the fields QuickBooks requires kept required. */
export interface QboCreateMap {
  Customer: Writable<Customer>;
  Item: Writable<Item>;
  Account: Writable<Account>;
  Term: Writable<Term>;
  Invoice: Writable<Invoice>;
  /** TotalAmt is required on a payment (it is not computed from lines). */
  Payment: Writable<Payment> & { TotalAmt: QboDecimal };
  CreditMemo: Writable<CreditMemo>;
}

/** Identity and version of a stored object: what update, void and delete need. */
export interface QboObjectVersion {
  Id: string;
  SyncToken: string;
}

/**
 * A sparse update: only the fields present change. Beware: a `Line` array, when sent, replaces all lines
 * (send existing lines with their `Id` to keep them).
 */
export type QboSparsePatch<E extends UpdatableEntity> = QboObjectVersion & Partial<Writable<QboEntityMap[E]>>;

/** What QuickBooks returns for a deleted object (single delete, CDC tombstone). */
export interface QboDeleted {
  Id: string;
  status: 'Deleted';
  MetaData?: MetaData;
}

/** Path segment QuickBooks uses for each entity ("URIs are case sensitive"). */
export const entityPath = (entity: QboEntityName): string => entity.toLowerCase();
