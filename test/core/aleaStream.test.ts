import { test } from "uvu";
import * as assert from "uvu/assert";
import { AleaStream } from "../../lib/core/aleaStream.js";
import { Rng } from "../../lib/core/random.js";

/** Draws `count` values from each stream with the same call sequence; the first mismatch, or null. */
function firstMismatch(a: Rng, b: AleaStream, count: number): string | null {
  const weights = [0.5, 2, 0.25, 1.25];
  for (let i = 0; i < count; i++) {
    const kind = i % 9;
    // sds and means that are not powers of two: Rng rounds (sd · u) · f, not sd · (u · f)
    const mean = 0.3 * (i % 7) - 1;
    const sd = 0.1 + 0.37 * (i % 5);
    const x =
      kind === 0
        ? a.next()
        : kind === 1
          ? a.normal(mean, sd)
          : kind === 2
            ? a.normal()
            : kind === 3
              ? a.poisson((i % 60) * 0.9)
              : kind === 4
                ? a.logNormal(1.7, 0.3)
                : kind === 5
                  ? a.int(-3, 11)
                  : kind === 6
                    ? a.uniform(-2.5, 7.1)
                    : kind === 7
                      ? a.exponential(3.3)
                      : a.weightedIndex(weights);
    const y =
      kind === 0
        ? b.next()
        : kind === 1
          ? b.normal(mean, sd)
          : kind === 2
            ? b.normal(0, 1)
            : kind === 3
              ? b.poisson((i % 60) * 0.9)
              : kind === 4
                ? b.logNormal(1.7, 0.3)
                : kind === 5
                  ? b.int(-3, 11)
                  : kind === 6
                    ? b.uniform(-2.5, 7.1)
                    : kind === 7
                      ? b.exponential(3.3)
                      : b.weightedIndex(weights);
    if (!Object.is(x, y)) return `draw ${i} (kind ${kind}): Rng ${x}, AleaStream ${y}`;
  }
  return null;
}

test("AleaStream draws Rng's stream bit for bit, method for method", () => {
  for (const seed of [0, 1, 42, 7, 123456789, 2 ** 31, 2 ** 32 - 1, -1, -42, 2 ** 32 + 5]) {
    assert.is(firstMismatch(new Rng(seed), new AleaStream(seed), 30_000), null, `seed ${seed}`);
  }
});

test("AleaStream.derive matches Rng.derive for the same path", () => {
  for (const path of [[3, "dev.light_1", "telemetry"], ["x"], [2 ** 33 + 1, "missing"], []] as const) {
    const mismatch = firstMismatch(Rng.derive(42, ...path), AleaStream.derive(42, ...path), 5_000);
    assert.is(mismatch, null, `path ${JSON.stringify(path)}`);
  }
});

test("a stream's spare normal is its own: interleaved streams match separate ones", () => {
  const a1 = new AleaStream(5);
  const a2 = new AleaStream(6);
  const r1 = new Rng(5);
  const r2 = new Rng(6);
  for (let i = 0; i < 1_000; i++) {
    assert.is(a1.normal(0, 1.3), r1.normal(0, 1.3));
    assert.is(a2.normal(2, 0.7), r2.normal(2, 0.7));
  }
});

test("degenerate arguments behave like Rng's", () => {
  const a = new Rng(9);
  const b = new AleaStream(9);
  for (const mean of [0, -1, Number.NaN, 1e-300, 40, 40.0001, 1e6])
    assert.is(b.poisson(mean), a.poisson(mean), `poisson(${mean})`);
  assert.is(b.normal(0, 0), a.normal(0, 0));
  assert.ok(Object.is(b.normal(-0, 0), a.normal(-0, 0)));
  assert.is(b.weightedIndex([0, 0, 0]), a.weightedIndex([0, 0, 0]));
  assert.is(b.weightedIndex([]), a.weightedIndex([]));
  assert.is(b.uniform(5, 5), a.uniform(5, 5));
});

test.run();
