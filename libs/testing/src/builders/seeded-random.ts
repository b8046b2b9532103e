/**
 * A deterministic PRNG for tests and the demo: the same seed gives the same sequence on every machine and
 * Node version (sfc32 seeded by cyrb128; no `Math.random`, no clock). Not for anything secret.
 */
export interface SeededRandom {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** One of `entries`, chosen with probability proportional to its weight. */
  weighted<T>(entries: readonly (readonly [T, number])[]): T;
  shuffle<T>(items: readonly T[]): T[];
  /** A UUID-v4-shaped id made of this stream's bits. */
  uuid(): string;
  /** An independent stream derived from this seed and `label`; the parent's sequence is unaffected. */
  fork(label: string): SeededRandom;
}

/** cyrb128: a string → four 32-bit seeds, well mixed even for similar strings. */
function cyrb128(text: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

/** sfc32: four 32-bit words of state, one 32-bit output per step. */
function sfc32(seed: [number, number, number, number]): () => number {
  let [a, b, c, d] = seed;
  return () => {
    a |= 0;
    b |= 0;
    c |= 0;
    d |= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
}

const TWO_TO_32 = 4294967296;

export function seededRandom(seed: number | string): SeededRandom {
  const key = String(seed);
  const nextWord = sfc32(cyrb128(key));
  // Discard the first outputs: sfc32's first few words still echo the seed.
  for (let i = 0; i < 12; i++) nextWord();
  const next = (): number => nextWord() / TWO_TO_32;
  const int = (min: number, max: number): number => {
    if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || max < min)
      throw new RangeError(`bad range [${min}, ${max}]`);
    return min + Math.floor(next() * (max - min + 1));
  };
  const hex = (word: number): string => word.toString(16).padStart(8, '0');
  return {
    next,
    int,
    chance: (p) => next() < p,
    pick: (items) => {
      if (items.length === 0)
        throw new RangeError('cannot pick from an empty list');
      return items[int(0, items.length - 1)];
    },
    weighted: (entries) => {
      const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
      let target = next() * total;
      for (const [value, weight] of entries) {
        if (target < weight) return value;
        target -= weight;
      }
      if (entries.length === 0)
        throw new RangeError('cannot pick from an empty list');
      return entries[entries.length - 1][0];
    },
    shuffle: (items) => {
      const copy = [...items];
      for (let i = copy.length - 1; i > 0; i--) {
        const j = int(0, i);
        [copy[i], copy[j]] = [copy[j], copy[i]];
      }
      return copy;
    },
    uuid: () => {
      const text =
        hex(nextWord()) + hex(nextWord()) + hex(nextWord()) + hex(nextWord());
      const variant = ((parseInt(text[16], 16) & 0x3) | 0x8).toString(16);
      return `${text.slice(0, 8)}-${text.slice(8, 12)}-4${text.slice(13, 16)}-${variant}${text.slice(17, 20)}-${text.slice(20, 32)}`;
    },
    fork: (label) => seededRandom(`${key}/${label}`),
  };
}
