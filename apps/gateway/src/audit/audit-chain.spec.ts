import { type AuditEventBody, chainHash, ChainWalker, GENESIS_HASH, type StoredLink } from './audit-chain';

const event = (seq: number, overrides: Partial<AuditEventBody> = {}): AuditEventBody => ({
  tenantId: 'acme', seq, at: `2026-10-31T17:04:0${seq % 10}.000Z`, actorKeyId: 'ak_0123456789ab', actorRole: 'controller', action: 'problem.resync',
  targetType: 'problem', targetId: `p-${seq}`, request: null, before: null, after: { syncStatus: 'pending' }, outcome: 'ok', ...overrides,
});

function chainOf(n: number): StoredLink[] {
  const links: StoredLink[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const e = event(seq);
    const hash = chainHash(prev, e);
    links.push({ seq, prevHash: prev, hash, event: e });
    prev = hash;
  }
  return links;
}

const walk = (links: StoredLink[], head: { seq: number; headHash: string } | null) => {
  const sut = new ChainWalker();
  for (const link of links) if (!sut.feed(link)) break;
  sut.finish(head);
  return sut;
};

describe(ChainWalker.name, () => {
  const links = chainOf(5);
  const head = { seq: 5, headHash: links[4].hash };

  it('accepts an untouched chain and ends at its head', () => {
    const sut = walk(links, head);
    expect(sut.broken).toBeNull();
    expect(sut.length).toBe(5);
    expect(sut.head).toBe(links[4].hash);
  });

  it('accepts an empty chain with no head', () => {
    expect(walk([], null).broken).toBeNull();
  });

  it('hash = sha256(prev_hash || canonical_json(row)): any field change changes it', () => {
    expect(chainHash(GENESIS_HASH, event(1))).not.toBe(chainHash(GENESIS_HASH, event(1, { outcome: 'failed:INTERNAL' })));
    expect(chainHash(GENESIS_HASH, event(1))).not.toBe(chainHash('f'.repeat(64), event(1)));
  });

  it('detects an altered row', () => {
    const altered = links.map((l) => (l.seq === 3 ? { ...l, event: { ...l.event, actorKeyId: 'ak_ffffffffffff' } } : l));
    expect(walk(altered, head).broken).toEqual({ seq: 3, reason: expect.stringMatching(/altered/) });
  });

  it('detects a removed row', () => {
    expect(walk(links.filter((l) => l.seq !== 2), head).broken).toEqual({ seq: 2, reason: expect.stringMatching(/missing/) });
  });

  it('detects reordered rows', () => {
    const swapped = [links[0], { ...links[2], seq: 2, event: { ...links[2].event, seq: 2 } }, { ...links[1], seq: 3, event: { ...links[1].event, seq: 3 } }, links[3], links[4]];
    expect(walk(swapped, head).broken?.seq).toBe(2);
  });

  it('detects removed rows at the end through the head', () => {
    expect(walk(links.slice(0, 4), head).broken).toEqual({ seq: 5, reason: expect.stringMatching(/removed/) });
  });

  it('detects a forged head', () => {
    expect(walk(links, { seq: 5, headHash: 'a'.repeat(64) }).broken?.reason).toMatch(/head hash/);
  });
});
