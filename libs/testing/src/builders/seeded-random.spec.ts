import { seededRandom } from './seeded-random';

const draw = (seed: number | string, n = 5) => {
  const sut = seededRandom(seed);
  return Array.from({ length: n }, () => sut.next());
};

describe(seededRandom.name, () => {
  it('repeats its sequence for a seed, and differs between seeds', () => {
    expect(draw(42)).toEqual(draw(42));
    expect(draw('42')).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
    expect(draw('month-2026-10')).not.toEqual(draw('month-2026-11'));
  });

  it('pins its first outputs, so a change of algorithm cannot pass unnoticed', () => {
    const sut = seededRandom(1);

    expect([sut.int(0, 1_000_000), sut.int(0, 1_000_000), sut.uuid()]).toEqual([
      229691,
      622282,
      '254fb65b-2788-4fa9-b2e6-ce8a4f605684',
    ]);
  });

  it('draws floats in [0, 1) and integers within inclusive bounds, reaching both ends', () => {
    const sut = seededRandom('bounds');
    const floats = Array.from({ length: 2000 }, () => sut.next());
    const ints = Array.from({ length: 2000 }, () => sut.int(-2, 2));

    expect(floats.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(new Set(ints)).toEqual(new Set([-2, -1, 0, 1, 2]));
    expect(() => sut.int(3, 2)).toThrow(RangeError);
  });

  it('picks, weighs and shuffles from its own stream', () => {
    const sut = seededRandom('choices');
    const weighted = Array.from({ length: 3000 }, () =>
      sut.weighted([
        ['rare', 1],
        ['common', 9],
      ] as const),
    );
    const shuffled = sut.shuffle([1, 2, 3, 4, 5, 6, 7, 8]);

    expect(weighted.filter((x) => x === 'rare').length).toBeGreaterThan(150);
    expect(weighted.filter((x) => x === 'rare').length).toBeLessThan(450);
    expect([...shuffled].sort()).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(() => sut.pick([])).toThrow(RangeError);
    expect(['a', 'b']).toContain(sut.pick(['a', 'b']));
  });

  it('makes UUID-v4-shaped ids', () => {
    const sut = seededRandom('ids');
    const ids = Array.from({ length: 200 }, () => sut.uuid());

    expect(
      ids.every((id) =>
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(
          id,
        ),
      ),
    ).toBe(true);
    expect(new Set(ids).size).toBe(200);
  });

  it('forks independent streams without disturbing the parent', () => {
    const parent = seededRandom(9);
    const forked = parent.fork('payments');
    const parentAfterFork = parent.next();

    expect(parentAfterFork).toBe(draw(9, 1)[0]);
    expect(forked.next()).toBe(seededRandom(9).fork('payments').next());
    expect(seededRandom(9).fork('a').next()).not.toBe(
      seededRandom(9).fork('b').next(),
    );
  });
});
