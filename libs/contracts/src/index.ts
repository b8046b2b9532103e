// Topics
export {
  Topics,
  TopicSpecs,
  InboundTopics,
  InboundEventTypes,
  InboundEventTypesByTopic,
  isInboundTopic,
  isInboundEventType,
  topicForEventType,
} from './topics';
export type {
  Topic,
  TopicRole,
  TopicSpec,
  InboundTopic,
  InboundEventType,
  OutboundTopic,
} from './topics';

// Shared wire types
export {
  CurrencyMinorUnits,
  CurrencyCodes,
  isCurrencyCode,
  minorUnitsOf,
} from './currency';
export type { CurrencyCode } from './currency';
export {
  DecimalPattern,
  DecimalString,
  MoneyString,
  RateString,
  MONEY_MAX_INTEGER_DIGITS,
  RATE_MAX_FRACTION_DIGITS,
  moneyDigitsProblem,
} from './decimal-string';
export { IsoDate, IsoInstant, isCalendarDate } from './calendar-date';
export {
  AgingBucketId,
  Currency,
  EntityId,
  EventId,
  TenantId,
} from './identifiers';
export { formatPath, toContractErrors } from './contract-error';
export type { ContractError } from './contract-error';

// Inbound events
export { EntityVersion } from './inbound-envelope';
export { DocumentLineV1 } from './document-line';
export { ApplicationV1 } from './application';
export { EntityRefV1 } from './entity-ref';
export {
  CustomerUpsertedV1,
  CustomerUpsertedDataV1,
} from './customer-upserted.v1';
export { ItemUpsertedV1, ItemUpsertedDataV1 } from './item-upserted.v1';
export {
  InvoiceUpsertedV1,
  InvoiceUpsertedDataV1,
  InvoiceStatuses,
  ChargeSetV1,
} from './invoice-upserted.v1';
export type { InvoiceStatus } from './invoice-upserted.v1';
export { InvoiceCancelledV1 } from './invoice-cancelled.v1';
export {
  PaymentRecordedV1,
  PaymentRecordedDataV1,
} from './payment-recorded.v1';
export { PaymentVoidedV1 } from './payment-voided.v1';
export {
  CreditMemoUpsertedV1,
  CreditMemoUpsertedDataV1,
} from './credit-memo-upserted.v1';
export { CreditMemoCancelledV1 } from './credit-memo-cancelled.v1';
export { InboundEventSchemas, messageKeyOf } from './inbound-event';
export type { InboundEvent, InboundEventOf } from './inbound-event';
export { parseInboundMessage, parseInboundEvent } from './inbound-message';
export type {
  InboundParseResult,
  InboundRejectReason,
} from './inbound-message';

// Outbound events
export {
  SyncStatusV1,
  SyncProblemV1,
  SyncStatuses,
  SyncEntityTypes,
} from './sync-status.v1';
export type { SyncStatus, SyncEntityType } from './sync-status.v1';
export { SyncBalanceV1, InvoiceBalanceStates } from './sync-balance.v1';
export type { InvoiceBalanceState } from './sync-balance.v1';
export { PaymentImportedV1 } from './payment-imported.v1';
export {
  ReconCompletedV1,
  ReconBucketV1,
  ReconStatuses,
  AgingBases,
} from './recon-completed.v1';
export type { ReconStatus, AgingBasis } from './recon-completed.v1';
export { ReconDiscrepancyV1, DiscrepancyKinds } from './recon-discrepancy.v1';
export type { DiscrepancyKind } from './recon-discrepancy.v1';
export { DeadLetterV1, DEAD_LETTER_MAX_ERRORS } from './dead-letter.v1';
export { deadLetterFor } from './dead-letter-for';
export type { RejectedMessage } from './dead-letter-for';
export { OutboundEventSchemas } from './outbound-event';
export type { OutboundEventOf } from './outbound-event';
