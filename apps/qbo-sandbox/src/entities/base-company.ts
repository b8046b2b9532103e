import { Company, CompanyOptions } from '../company-store';
import { JsonObject } from '../json/exact-json';
import { Dec, ZERO } from '../money';

/**
 * What every new company holds before anyone writes to it: the accounts sales need, common terms,
 * one service item, Preferences and CompanyInfo. Ids are fixed (1, 2, …) so tests and seeds can
 * refer to them.
 */
export const BASE_IDS = {
  accounts: {
    accountsReceivable: '1',
    services: '2',
    salesOfProductIncome: '3',
    undepositedFunds: '4',
    inventoryAsset: '5',
    costOfGoodsSold: '6',
    discountsGiven: '7',
    checking: '8',
  },
  terms: { dueOnReceipt: '1', net15: '2', net30: '3', net60: '4' },
  items: { services: '1' },
} as const;

const usd = { value: 'USD', name: 'United States Dollar' };

function account(name: string, type: string, subType: string, classification: string): JsonObject {
  return {
    Name: name,
    SubAccount: false,
    FullyQualifiedName: name,
    Active: true,
    Classification: classification,
    AccountType: type,
    AccountSubType: subType,
    CurrentBalance: ZERO,
    CurrentBalanceWithSubAccounts: ZERO,
    CurrencyRef: usd,
  };
}

function term(name: string, dueDays: number): JsonObject {
  return { Name: name, Active: true, Type: 'STANDARD', DueDays: new Dec(dueDays), DiscountPercent: ZERO, DiscountDays: ZERO };
}

export function populateBaseCompany(company: Company, options: CompanyOptions): void {
  const now = company.now();
  const accounts: [string, string, string, string][] = [
    ['Accounts Receivable (A/R)', 'Accounts Receivable', 'AccountsReceivable', 'Asset'],
    ['Services', 'Income', 'ServiceFeeIncome', 'Revenue'],
    ['Sales of Product Income', 'Income', 'SalesOfProductIncome', 'Revenue'],
    ['Undeposited Funds', 'Other Current Asset', 'UndepositedFunds', 'Asset'],
    ['Inventory Asset', 'Other Current Asset', 'Inventory', 'Asset'],
    ['Cost of Goods Sold', 'Cost of Goods Sold', 'SuppliesMaterialsCogs', 'Expense'],
    ['Discounts given', 'Income', 'DiscountsRefundsGiven', 'Revenue'],
    ['Checking', 'Bank', 'Checking', 'Asset'],
  ];
  for (const [name, type, subType, cls] of accounts) company.insert('Account', account(name, type, subType, cls), now);

  company.insert('Term', term('Due on receipt', 0), now);
  company.insert('Term', term('Net 15', 15), now);
  company.insert('Term', term('Net 30', 30), now);
  company.insert('Term', term('Net 60', 60), now);

  company.insert(
    'Item',
    {
      Name: 'Services',
      FullyQualifiedName: 'Services',
      Active: true,
      Type: 'Service',
      Taxable: false,
      UnitPrice: ZERO,
      IncomeAccountRef: { value: BASE_IDS.accounts.services },
      TrackQtyOnHand: false,
      SubItem: false,
    },
    now,
  );

  const companyName = options.companyName ?? `Sandbox Company ${company.realmId}`;
  company.insert(
    'Preferences',
    {
      AccountingInfoPrefs: {
        TrackDepartments: false,
        DepartmentTerminology: 'Location',
        ClassTrackingPerTxn: false,
        ClassTrackingPerTxnLine: false,
        CustomerTerminology: 'Customers',
      },
      ProductAndServicesPrefs: { ForSales: true, ForPurchase: true, QuantityWithPriceAndRate: true, QuantityOnHand: true },
      SalesFormsPrefs: {
        CustomField: [],
        CustomTxnNumbers: true,
        AllowDeposit: true,
        AllowDiscount: true,
        DefaultDiscountAccount: BASE_IDS.accounts.discountsGiven,
        AllowEstimates: true,
        AllowShipping: false,
        AllowServiceDate: false,
        AutoApplyCredit: false,
        AutoApplyPayments: false,
        DefaultTerms: { value: BASE_IDS.terms.net30 },
        ETransactionEnabledStatus: 'NotApplicable',
      },
      EmailMessagesPrefs: {
        InvoiceMessage: { Subject: 'Invoice [Invoice No.] from [Company Name]', Message: 'Your invoice is attached.' },
      },
      VendorAndPurchasesPrefs: { TrackingByCustomer: true, BillableExpenseTracking: true },
      TimeTrackingPrefs: { UseServices: true, BillCustomers: true, ShowBillRateToAll: false, WorkWeekStartDate: 'Monday' },
      TaxPrefs: { UsingSalesTax: false, PartnerTaxEnabled: false },
      CurrencyPrefs: { MultiCurrencyEnabled: false, HomeCurrency: { value: 'USD' } },
      ReportPrefs: { ReportBasis: 'Accrual', CalcAgingReportFromTxnDate: false },
      OtherPrefs: { NameValue: [{ Name: 'SalesFormsPrefs.DefaultCustomerMessage', Value: 'Thank you for your business.' }] },
    },
    now,
    '1',
  );
  const addr = { Id: '1', Line1: '2600 Marine Way', City: 'Mountain View', CountrySubDivisionCode: 'CA', PostalCode: '94043' };
  company.insert(
    'CompanyInfo',
    {
      CompanyName: companyName,
      LegalName: companyName,
      CompanyAddr: addr,
      CustomerCommunicationAddr: addr,
      LegalAddr: addr,
      PrimaryPhone: {},
      CompanyStartDate: company.today(),
      FiscalYearStartMonth: 'January',
      Country: 'US',
      Email: { Address: 'noreply@quickbooks.com' },
      WebAddr: {},
      SupportedLanguages: 'en',
      NameValue: [
        { Name: 'NeoEnabled', Value: 'true' },
        { Name: 'IndustryType', Value: 'Other' },
        { Name: 'SubscriptionStatus', Value: 'PAID' },
        { Name: 'OfferingSku', Value: 'QuickBooks Online Plus' },
        { Name: 'PayrollFeature', Value: 'false' },
        { Name: 'AccountantFeature', Value: 'false' },
        { Name: 'IsQbdtMigrated', Value: 'false' },
        { Name: 'ItemCategoriesFeature', Value: 'true' },
      ],
    },
    now,
    '1',
  );
}
