/** `connected`: tokens usable. `error`: refresh was refused (invalid_grant, expiry); reconnect needed. `revoked`: disconnected by us. */
export type QboConnectionStatus = 'connected' | 'error' | 'revoked';

/** One QuickBooks company connection and its tokens, in plaintext in memory (stores encrypt at rest). */
export interface QboConnection {
  realmId: string;
  status: QboConnectionStatus;
  accessToken?: string;
  refreshToken?: string;
  /** Epoch milliseconds. */
  accessTokenExpiresAt?: number;
  /** Rolling (≈100 days) refresh-token expiry, epoch milliseconds. */
  refreshTokenExpiresAt?: number;
  /** Absolute (5-year) refresh-token expiry when QuickBooks reported it, epoch milliseconds. */
  refreshTokenHardExpiresAt?: number;
  /** Why the connection is in `error` or `revoked`, for people. */
  statusReason?: string;
  /** Epoch milliseconds of the last change. */
  updatedAt: number;
}

/** The view of one realm's row while its lock is held. */
export interface TokenStoreTransaction {
  /** The row as it is now, read under the lock (another replica may have just refreshed it). */
  readonly current: QboConnection | undefined;
  /** Writes the row; committed when the locked section returns, before anyone uses the new tokens. */
  save(connection: QboConnection): Promise<void>;
}

/**
 * Persistence of connections. `withRealmLock` is the cross-process critical section for refreshes:
 * at most one holder per realm at a time, across every replica sharing the store.
 */
export interface TokenStore {
  load(realmId: string): Promise<QboConnection | undefined>;
  /**
   * Runs `fn` holding the realm's exclusive lock. What `fn` saves is committed when it resolves; if it throws,
   * nothing it saved is kept.
   */
  withRealmLock<T>(realmId: string, fn: (tx: TokenStoreTransaction) => Promise<T>): Promise<T>;
}

/** A TokenStore in process memory, for unit tests and single-process tools. Not durable. */
export class InMemoryTokenStore implements TokenStore {
  private readonly rows = new Map<string, QboConnection>();
  private readonly locks = new Map<string, Promise<void>>();
  /** Every committed save, in order (lets tests check what was persisted and when). */
  readonly saves: QboConnection[] = [];

  async load(realmId: string): Promise<QboConnection | undefined> {
    const row = this.rows.get(realmId);
    return row && { ...row };
  }

  /** Seeds or overwrites a row without locking (test setup). */
  put(connection: QboConnection): void {
    this.rows.set(connection.realmId, { ...connection });
  }

  async withRealmLock<T>(realmId: string, fn: (tx: TokenStoreTransaction) => Promise<T>): Promise<T> {
    const previous = this.locks.get(realmId) ?? Promise.resolve();
    let unlock!: () => void;
    const mine = new Promise<void>((resolve) => (unlock = resolve));
    const chain = previous.then(() => mine);
    this.locks.set(realmId, chain);
    await previous;
    try {
      let pending: QboConnection | undefined;
      const row = this.rows.get(realmId);
      const result = await fn({
        current: row && { ...row },
        save: async (connection) => {
          pending = { ...connection };
        },
      });
      if (pending) {
        this.rows.set(realmId, pending);
        this.saves.push({ ...pending });
      }
      return result;
    } finally {
      unlock();
      if (this.locks.get(realmId) === chain) this.locks.delete(realmId);
    }
  }
}
