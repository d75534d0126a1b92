import { test } from "uvu";
import * as assert from "uvu/assert";
import { deriveSeed, Rng } from "../../lib/core/random.js";

test("derived seeds are stable and differ by every path part", () => {
  assert.is(deriveSeed(42, 7, "devices"), deriveSeed(42, 7, "devices"));
  const seeds = new Set([
    deriveSeed(42, 7, "devices"),
    deriveSeed(43, 7, "devices"),
    deriveSeed(42, 8, "devices"),
    deriveSeed(42, 7, "events"),
    deriveSeed(42, "7", "devices"),
    deriveSeed(42, 7 + 2 ** 32, "devices"),
  ]);
  assert.is(seeds.size, 6);
});

test("same seed gives the same stream; draws have the right moments", () => {
  const a = Rng.derive(1, "x");
  const b = Rng.derive(1, "x");
  const xs = Array.from({ length: 20_000 }, () => a.next());
  assert.equal(
    xs.slice(0, 5),
    Array.from({ length: 5 }, () => b.next()),
  );
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  assert.ok(Math.abs(mean - 0.5) < 0.01, `uniform mean ${mean}`);
  const r = Rng.derive(2, "moments");
  const normals = Array.from({ length: 20_000 }, () => r.normal(3, 2));
  const m = normals.reduce((s, x) => s + x, 0) / normals.length;
  const sd = Math.sqrt(normals.reduce((s, x) => s + (x - m) ** 2, 0) / normals.length);
  assert.ok(Math.abs(m - 3) < 0.06 && Math.abs(sd - 2) < 0.06, `normal ${m} ${sd}`);
  const poissons = Array.from({ length: 20_000 }, () => r.poisson(4.5));
  const pm = poissons.reduce((s, x) => s + x, 0) / poissons.length;
  assert.ok(Math.abs(pm - 4.5) < 0.08, `poisson mean ${pm}`);
  const ints = Array.from({ length: 5000 }, () => r.int(2, 5));
  assert.equal([...new Set(ints)].sort(), [2, 3, 4, 5]);
});

test.run();
