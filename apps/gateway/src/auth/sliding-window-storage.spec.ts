import { SlidingWindowStorage } from './sliding-window-storage';

describe(SlidingWindowStorage.name, () => {
  let now = 0;
  let sut: SlidingWindowStorage;
  const hit = (key = 'key:a') => sut.increment(key, 60_000, 5, 0, 'default');

  beforeEach(() => {
    now = 120_000; // the start of a window
    sut = new SlidingWindowStorage(() => now);
  });
  afterEach(() => sut.close());

  it('admits the limit and blocks the next one, with a retry time in seconds', async () => {
    for (let i = 0; i < 5; i++) expect((await hit()).isBlocked).toBe(false);
    const blocked = await hit();
    expect(blocked).toMatchObject({ isBlocked: true, timeToBlockExpire: 60 });
  });

  it('counts keys apart', async () => {
    for (let i = 0; i < 5; i++) await hit('key:a');
    expect((await hit('key:b')).isBlocked).toBe(false);
  });

  it('slides: the previous window weighs in by the share of it still inside the last minute', async () => {
    for (let i = 0; i < 5; i++) await hit();
    now += 60_000 + 30_000; // half-way through the next window: 5 × 0.5 = 2.5 → 2 still count
    for (let i = 0; i < 3; i++) expect((await hit()).isBlocked).toBe(false);
    expect((await hit()).isBlocked).toBe(true);
  });

  it('forgets everything after two idle windows', async () => {
    for (let i = 0; i < 5; i++) await hit();
    now += 120_000;
    expect((await hit()).isBlocked).toBe(false);
    now += 120_000;
    sut.evictIdle();
    expect((await hit()).totalHits).toBe(1);
  });
});
