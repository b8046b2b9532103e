export { seededRandom } from './builders/seeded-random';
export type { SeededRandom } from './builders/seeded-random';
export {
  DEFAULT_TENANT_ID,
  DEFAULT_OCCURRED_AT,
  sequentialId,
  sequentialEventId,
} from './builders/event-envelope';
export type { EnvelopeOverrides } from './builders/event-envelope';
export {
  buildDocumentLine,
  documentTotal,
} from './builders/document-line.builder';
export type { DocumentLineOverrides } from './builders/document-line.builder';
export { buildCustomerUpserted } from './builders/customer.builder';
export type { CustomerUpsertedOverrides } from './builders/customer.builder';
export { buildItemUpserted } from './builders/item.builder';
export type { ItemUpsertedOverrides } from './builders/item.builder';
export {
  buildInvoiceUpserted,
  buildInvoiceCancelled,
} from './builders/invoice.builder';
export type { InvoiceUpsertedOverrides } from './builders/invoice.builder';
export {
  buildPaymentRecorded,
  buildPaymentVoided,
} from './builders/payment.builder';
export type { PaymentRecordedOverrides } from './builders/payment.builder';
export {
  buildCreditMemoUpserted,
  buildCreditMemoCancelled,
} from './builders/credit-memo.builder';
export type { CreditMemoUpsertedOverrides } from './builders/credit-memo.builder';
export { toKafkaMessage } from './builders/kafka-message';
export type { KafkaMessage } from './builders/kafka-message';
export { generateReceivablesMonth } from './builders/receivables-month';
export type {
  ReceivablesMonth,
  ReceivablesMonthOptions,
  OpenInvoice,
  UnappliedCredit,
} from './builders/receivables-month';
