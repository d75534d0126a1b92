import seedrandom from "seedrandom";

/** A part of a seed derivation path: an index, an id or a purpose name. */
export type SeedPart = number | string;

/**
 * Hashes a root seed and a path (home index, device, purpose …) to a 32-bit seed.
 * Streams are derived, never shared: the stream for (seed, 4321, "devices") is the same
 * whether home 4321 is generated alone or inside a batch, on any worker.
 */
export function deriveSeed(rootSeed: number, ...path: SeedPart[]): number {
  let h = mix32((rootSeed >>> 0) ^ 0x9e3779b9);
  for (const part of path) {
    if (typeof part === "number") {
      h = mix32(h ^ mix32((part >>> 0) + 0x7f4a7c15));
      // high bits, so that indices above 2^32 still differ
      h = mix32(h ^ Math.floor(part / 0x100000000));
    } else {
      for (let i = 0; i < part.length; i++) h = mix32(h ^ (part.charCodeAt(i) + 0x632be5ab));
      h = mix32(h ^ 0xff);
    }
  }
  return h >>> 0;
}

/** murmur3's 32-bit finaliser: a full-avalanche integer mix. */
function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/**
 * A seeded random stream (seedrandom's Alea generator) with the draws the generators need.
 * Construct it with `Rng.derive(rootSeed, ...path)` so every stream has its own seed.
 */
export class Rng {
  /** Uniform double in [0, 1). */
  readonly next: () => number;
  private spareNormal: number | null = null;

  constructor(seed: number) {
    this.next = seedrandom.alea(String(seed >>> 0));
  }

  static derive(rootSeed: number, ...path: SeedPart[]): Rng {
    return new Rng(deriveSeed(rootSeed, ...path));
  }

  /** Uniform double in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Uniform integer in [lo, hi] (both inclusive). */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  bernoulli(p: number): boolean {
    return this.next() < p;
  }

  /** Standard normal draw (Marsaglia polar method). */
  normal(mean = 0, sd = 1): number {
    if (this.spareNormal !== null) {
      const z = this.spareNormal;
      this.spareNormal = null;
      return mean + sd * z;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * this.next() - 1;
      v = 2 * this.next() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spareNormal = v * f;
    return mean + sd * u * f;
  }

  /** Exponential draw with the given mean. */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.next());
  }

  /** Log-normal draw parameterised by its median and the sd of its log. */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  /** Poisson draw: inversion for small means, a normal approximation above 40. */
  poisson(mean: number): number {
    if (mean <= 0) return 0;
    if (mean > 40) return Math.max(0, Math.round(this.normal(mean, Math.sqrt(mean))));
    const limit = Math.exp(-mean);
    let k = 0;
    let p = this.next();
    while (p > limit) {
      k++;
      p *= this.next();
    }
    return k;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** Index drawn with probability proportional to weights[i]. */
  weightedIndex(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    let r = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i];
      if (r < 0) return i;
    }
    return weights.length - 1;
  }

  /** Fisher–Yates shuffle in place; returns the array. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const t = items[i];
      items[i] = items[j];
      items[j] = t;
    }
    return items;
  }
}
