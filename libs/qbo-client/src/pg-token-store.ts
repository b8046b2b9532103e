import type { Pool, PoolClient } from 'pg';
import { assertSchemaName, ensureQboClientSchema } from './pg-schema';
import type { TokenCipher } from './token-cipher';
import type { QboConnection, QboConnectionStatus, TokenStore, TokenStoreTransaction } from './token-store';

export interface PgTokenStoreOptions {
  pool: Pool;
  cipher: TokenCipher;
  /** Schema holding the lib's tables (see QBO_CLIENT_DDL). Default `public`. */
  schema?: string;
  /** Longest wait for another replica's refresh to finish before giving up, milliseconds. Default 30 s. */
  lockTimeoutMs?: number;
}

interface ConnectionRow {
  realm_id: string;
  status: QboConnectionStatus;
  access_token_sealed: string | null;
  refresh_token_sealed: string | null;
  access_token_expires_at: Date | null;
  refresh_token_expires_at: Date | null;
  refresh_token_hard_expires_at: Date | null;
  status_reason: string | null;
  updated_at: Date;
}

const COLUMNS = `realm_id, status, access_token_sealed, refresh_token_sealed, access_token_expires_at,
  refresh_token_expires_at, refresh_token_hard_expires_at, status_reason, updated_at`;

const ms = (d: Date | null): number | undefined => (d ? d.getTime() : undefined);
const date = (n: number | undefined): Date | null => (n === undefined ? null : new Date(n));

/**
 * TokenStore on PostgreSQL (plain `pg`). Tokens are sealed with AES-256-GCM, bound to their realm and
 * column. `withRealmLock` is a transaction holding a per-realm advisory lock and the row's
 * `SELECT … FOR UPDATE` lock, so one replica at a time refreshes a realm and the rotated refresh token
 * is committed before the locked section returns (before any caller uses the new access token).
 */
export class PgTokenStore implements TokenStore {
  private readonly pool: Pool;
  private readonly cipher: TokenCipher;
  private readonly schema: string;
  private readonly table: string;
  private readonly lockTimeoutMs: number;

  constructor(options: PgTokenStoreOptions) {
    this.pool = options.pool;
    this.cipher = options.cipher;
    this.schema = assertSchemaName(options.schema ?? 'public');
    this.table = `"${this.schema}".qbo_connection`;
    this.lockTimeoutMs = options.lockTimeoutMs ?? 30_000;
  }

  /** Creates the lib's tables in the schema if missing (idempotent). */
  ensureSchema(): Promise<void> {
    return ensureQboClientSchema(this.pool, this.schema);
  }

  /** @throws TokenDecryptionError when a stored token cannot be opened with the configured keys. */
  async load(realmId: string): Promise<QboConnection | undefined> {
    const { rows } = await this.pool.query<ConnectionRow>(`SELECT ${COLUMNS} FROM ${this.table} WHERE realm_id = $1`, [realmId]);
    return rows[0] && this.fromRow(rows[0]);
  }

  /**
   * @throws the error `fn` threw (after rolling back), a lock timeout (`55P03`) when another holder kept the
   * realm longer than `lockTimeoutMs`, or TokenDecryptionError.
   */
  async withRealmLock<T>(realmId: string, fn: (tx: TokenStoreTransaction) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`SELECT set_config('lock_timeout', $1, true)`, [`${Math.max(1, Math.round(this.lockTimeoutMs))}ms`]);
      // The advisory lock also covers a realm with no row yet (first connect); FOR UPDATE guards the row itself.
      await client.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`arbiter.qbo.connection:${realmId}`]);
      const { rows } = await client.query<ConnectionRow>(`SELECT ${COLUMNS} FROM ${this.table} WHERE realm_id = $1 FOR UPDATE`, [realmId]);
      const result = await fn({
        current: rows[0] && this.fromRow(rows[0]),
        save: (connection) => this.upsert(client, { ...connection, realmId }),
      });
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  private async upsert(client: PoolClient, c: QboConnection): Promise<void> {
    await client.query(
      `INSERT INTO ${this.table} (${COLUMNS})
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (realm_id) DO UPDATE SET
         status = EXCLUDED.status,
         access_token_sealed = EXCLUDED.access_token_sealed,
         refresh_token_sealed = EXCLUDED.refresh_token_sealed,
         access_token_expires_at = EXCLUDED.access_token_expires_at,
         refresh_token_expires_at = EXCLUDED.refresh_token_expires_at,
         refresh_token_hard_expires_at = EXCLUDED.refresh_token_hard_expires_at,
         status_reason = EXCLUDED.status_reason,
         updated_at = EXCLUDED.updated_at`,
      [
        c.realmId,
        c.status,
        c.accessToken === undefined ? null : this.cipher.encrypt(c.accessToken, this.aad(c.realmId, 'access_token')),
        c.refreshToken === undefined ? null : this.cipher.encrypt(c.refreshToken, this.aad(c.realmId, 'refresh_token')),
        date(c.accessTokenExpiresAt),
        date(c.refreshTokenExpiresAt),
        date(c.refreshTokenHardExpiresAt),
        c.statusReason ?? null,
        new Date(c.updatedAt),
      ],
    );
  }

  private fromRow(row: ConnectionRow): QboConnection {
    return {
      realmId: row.realm_id,
      status: row.status,
      accessToken: row.access_token_sealed === null ? undefined : this.cipher.decrypt(row.access_token_sealed, this.aad(row.realm_id, 'access_token')),
      refreshToken: row.refresh_token_sealed === null ? undefined : this.cipher.decrypt(row.refresh_token_sealed, this.aad(row.realm_id, 'refresh_token')),
      accessTokenExpiresAt: ms(row.access_token_expires_at),
      refreshTokenExpiresAt: ms(row.refresh_token_expires_at),
      refreshTokenHardExpiresAt: ms(row.refresh_token_hard_expires_at),
      statusReason: row.status_reason ?? undefined,
      updatedAt: row.updated_at.getTime(),
    };
  }

  /** Binds a sealed value to its table, realm and column: a copied ciphertext fails authentication. */
  private aad(realmId: string, column: string): string {
    return `qbo_connection:${realmId}:${column}`;
  }
}
