// The one public entry of @arbiter/qbo-client.

export { QboClient, QboCompany, DEFAULT_MINOR_VERSION, QBO_PRODUCTION_API_BASE_URL, QBO_SANDBOX_API_BASE_URL } from './qbo-client';
export type {
  QboClientOptions,
  WriteOptions,
  CreateOptions,
  QueryPage,
  CdcChanges,
  CdcResult,
  AgedReceivablesParams,
  AgedReceivableDetailParams,
} from './qbo-client';
export { QboClientModule, QBO_CLIENT_MODULE_OPTIONS } from './qbo-client.module';
export type { QboClientModuleOptions, QboClientModuleAsyncOptions } from './qbo-client.module';
export { parseQboSettings, QboConfigError } from './qbo-client-config';
export type { QboSettings } from './qbo-client-config';

export * from './qbo-entities';
export { parseQboJson, stringifyQboJson, isDecimalText, DECIMAL_KEYS } from './qbo-json';
export type { QboDecimal } from './qbo-json';
export * from './qbo-errors';

export { QboQuery, qboQuery, quoteQueryValue, likePattern, QBO_MAX_RESULTS } from './query-builder';
export type { QueryOperator, QueryValue } from './query-builder';
export { QBO_MAX_BATCH_ITEMS } from './qbo-batch';
export type { BatchItem, BatchOperation, BatchItemResult } from './qbo-batch';
export { parseAgedReceivables, parseAgedReceivableDetail } from './aged-receivables-report';
export type {
  QboReport,
  QboReportRow,
  QboReportColData,
  QboReportColumn,
  ReportTieOut,
  AgedReceivablesRow,
  AgedReceivablesSummary,
  AgedReceivableDetailRow,
  AgedReceivableDetail,
} from './aged-receivables-report';

export { RealmRateLimiter } from './realm-rate-limiter';
export type { RealmPermit, RealmRateLimiterOptions } from './realm-rate-limiter';
export { InMemoryRealmBudget, DEFAULT_REALM_LIMITS, effectiveWindowLimit, effectiveBatchLimit } from './realm-budget';
export type { RealmBudget, RealmLimits, BudgetDecision, BudgetRequest } from './realm-budget';
export { PgRealmBudget } from './pg-realm-budget';
export type { PgRealmBudgetOptions } from './pg-realm-budget';
export { RetryPolicy, DEFAULT_RETRY_OPTIONS } from './retry-policy';
export type { RetryOptions, RetryDecision } from './retry-policy';
export { deriveRequestId, REQUEST_ID_LENGTH } from './request-id';
export { DEFAULT_HTTP_OPTIONS } from './http-transport';
export type { HttpTransportOptions, HttpTimeouts } from './http-transport';

export { QboTokenManager, QBO_ACCOUNTING_SCOPE } from './token-manager';
export type { AccessTokenProvider, QboTokenManagerOptions } from './token-manager';
export { IntuitOAuthGateway, IntuitOAuthError, applyIntuitEndpoints, INTUIT_OAUTH_PATHS } from './intuit-oauth-gateway';
export type { IntuitOAuthConfig, IntuitTokenResponse } from './intuit-oauth-gateway';
export { InMemoryTokenStore } from './token-store';
export type { TokenStore, TokenStoreTransaction, QboConnection, QboConnectionStatus } from './token-store';
export { PgTokenStore } from './pg-token-store';
export type { PgTokenStoreOptions } from './pg-token-store';
export { TokenCipher, TokenDecryptionError } from './token-cipher';
export type { TokenCipherKey } from './token-cipher';
export { QBO_CLIENT_DDL, QBO_RATE_BUDGET_DDL, renderQboClientDdl, renderQboRateBudgetDdl, ensureQboClientSchema } from './pg-schema';

export { verifyWebhookSignature, parseWebhookEvents } from './qbo-webhooks';
export type { WebhookEvent, WebhookOperation } from './qbo-webhooks';

export { systemClock, sleep } from './clock';
export type { Clock } from './clock';
export { ManualClock } from './manual-clock';
export type { QboLogger } from './qbo-logger';
