import { test } from "uvu";
import * as assert from "uvu/assert";
import { Rng } from "../../../lib/core/random.js";
import {
  driftSnapshot,
  featureDrift,
  jensenShannonDivergence,
  populationStabilityIndex,
} from "../../../lib/models/evaluation/drift.js";

const normal = (seed: number, n: number, mean: number, sd: number) => {
  const rng = new Rng(seed);
  return Float64Array.from({ length: n }, () => rng.normal(mean, sd));
};

test("hand-computed PSI and JS divergence", () => {
  // PSI of [0.5, 0.5] → [0.25, 0.75] = (−0.25)·ln(0.5) + (0.25)·ln(1.5) (before smoothing)
  const psi = populationStabilityIndex([0.5, 0.5], [0.25, 0.75]);
  assert.ok(Math.abs(psi - (-0.25 * Math.log(0.5) + 0.25 * Math.log(1.5))) < 1e-3, `${psi}`);
  assert.is(jensenShannonDivergence([1, 0], [0, 1]), 1);
  assert.is(jensenShannonDivergence([0.3, 0.7], [0.3, 0.7]), 0);
  assert.is(populationStabilityIndex([0.3, 0.7], [0.3, 0.7]), 0);
  assert.throws(() => populationStabilityIndex([0.5, 0.5], [1]), /same bins/);
});

test("same distribution: small PSI; a shifted one: above the 0.25 'major shift' line", () => {
  const train = normal(1, 5000, 20, 3);
  const snap = driftSnapshot("temperature", train);
  assert.is(snap.edges.length, 9);
  assert.ok(Math.abs(snap.shares.reduce((a, b) => a + b, 0) - 1) < 1e-9);
  const same = featureDrift(snap, normal(2, 5000, 20, 3));
  const shifted = featureDrift(snap, normal(3, 5000, 23, 3));
  assert.ok(same.psi < 0.02, `same PSI ${same.psi}`);
  assert.ok(shifted.psi > 0.25, `shifted PSI ${shifted.psi}`);
  assert.ok(shifted.jsDivergence > 5 * same.jsDivergence, `${shifted.jsDivergence} vs ${same.jsDivergence}`);
  assert.ok(shifted.jsDivergence <= 1);
});

test("missing values are their own bin: a feature that starts going missing drifts", () => {
  const train = normal(4, 2000, 0, 1);
  const snap = driftSnapshot("battery", train);
  const gappy = Float64Array.from(normal(5, 2000, 0, 1), (v, i) => (i % 3 === 0 ? Number.NaN : v));
  assert.ok(featureDrift(snap, gappy).psi > 0.25);
  // a binary feature keeps two value bins (tied quantiles merge)
  const binary = driftSnapshot(
    "flag",
    Float64Array.from({ length: 100 }, (_, i) => (i < 70 ? 0 : 1)),
  );
  assert.equal(binary.edges, [1]);
  assert.equal(
    binary.shares.map((s) => Math.round(s * 100)),
    [70, 30, 0],
  );
});

test.run();
