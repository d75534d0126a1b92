import { deriveSeed, type SeedPart } from "./random.js";

/*
 * Rng's streams, bit for bit, for hot loops outside the event core (telemetry): the same
 * Alea generator seedrandom builds (Baagøe's algorithm, seeded through his Mash hash with
 * the decimal text of the 32-bit seed), but with its state in fields of one class instead
 * of a closure and three helper closures per stream. Creating a stream costs a few dozen
 * arithmetic steps instead of five closures; draws inline; the spare normal is a plain
 * double field, not a boxed `number | null`. Same seed ⇒ same draws as `new Rng(seed)`,
 * method for method (test/core/aleaStream.test.ts checks it against seedrandom).
 */

const TWO_POW_MINUS_32 = 2.3283064365386963e-10;

/** Mash's hash state, carried from one mash to the next within a seeding (a typed slot: no boxing). */
const mashState = new Float64Array(1);

/** Baagøe's Mash step: hashes a string into mashState; returns the value in [0, 1). */
function mash(data: string): number {
  let n = mashState[0];
  for (let i = 0; i < data.length; i++) {
    n += data.charCodeAt(i);
    let h = 0.02519603282416938 * n;
    n = h >>> 0;
    h -= n;
    h *= n;
    n = h >>> 0;
    h -= n;
    n += h * 0x100000000;
  }
  mashState[0] = n;
  return (n >>> 0) * TWO_POW_MINUS_32;
}

// Every Alea seeding starts with three mashes of " " from Mash's initial state.
mashState[0] = 0xefc8249d;
const SPACE_0 = mash(" ");
const SPACE_1 = mash(" ");
const SPACE_2 = mash(" ");
const SEEDING_MASH = mashState[0];

export class AleaStream {
  private s0 = 0.5;
  private s1 = 0.5;
  private s2 = 0.5;
  private c = 1;
  /** drawPair's point u and scale f (the first normal is u·f) and the spare normal v·f. */
  private u = 0.5;
  private f = 0.5;
  private spare = 0.5;
  private hasSpare = false;

  /** The stream `new Rng(seed)` draws. */
  constructor(seed: number) {
    const text = String(seed >>> 0);
    mashState[0] = SEEDING_MASH;
    const m0 = mash(text);
    const m1 = mash(text);
    const m2 = mash(text);
    let s0 = SPACE_0 - m0;
    if (s0 < 0) s0 += 1;
    let s1 = SPACE_1 - m1;
    if (s1 < 0) s1 += 1;
    let s2 = SPACE_2 - m2;
    if (s2 < 0) s2 += 1;
    this.s0 = s0;
    this.s1 = s1;
    this.s2 = s2;
  }

  /** The stream `Rng.derive(rootSeed, ...path)` draws. */
  static derive(rootSeed: number, ...path: SeedPart[]): AleaStream {
    return new AleaStream(deriveSeed(rootSeed, ...path));
  }

  /** Uniform double in [0, 1). */
  next(): number {
    const t = 2091639 * this.s0 + this.c * TWO_POW_MINUS_32;
    this.s0 = this.s1;
    this.s1 = this.s2;
    const c = t | 0;
    this.c = c;
    const s2 = t - c;
    this.s2 = s2;
    return s2;
  }

  /** Uniform double in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Uniform integer in [lo, hi] (both inclusive). */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  /** Normal draw (Marsaglia polar method: a pair per two calls, the second kept for the next call). */
  normal(mean: number, sd: number): number {
    if (!this.hasSpare) {
      this.drawPair();
      // (sd · u) · f, as Rng rounds it
      return mean + sd * this.u * this.f;
    }
    this.hasSpare = false;
    return mean + sd * this.spare;
  }

  // Kept out of normal() (and normal without default arguments) so normal stays small
  // enough to inline in long loops: a call that returns a double boxes it, a call that
  // returns nothing does not.
  private drawPair(): void {
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * this.next() - 1;
      v = 2 * this.next() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.u = u;
    this.f = f;
    this.spare = v * f;
    this.hasSpare = true;
  }

  /** Exponential draw with the given mean. */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.next());
  }

  /** Log-normal draw parameterised by its median and the sd of its log. */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal(0, 1));
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
    for (let i = 0; i < weights.length; i++) total += weights[i];
    let r = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i];
      if (r < 0) return i;
    }
    return weights.length - 1;
  }
}
