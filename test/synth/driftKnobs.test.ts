import { test } from "uvu";
import * as assert from "uvu/assert";
import { parseGenerationConfig } from "../../lib/pipeline/generation/config.js";
import { dataConfig, homeGenerationSpec } from "../../lib/pipeline/generation/homeSpec.js";
import { datasetIdFor } from "../../lib/pipeline/generation/manager.js";
import { planHomeFailures } from "../../lib/synth/failures.js";
import { homeContext } from "../../lib/synth/homeContext.js";
import { generateHome } from "../../lib/synth/homes.js";
import { expectHomeforgeError } from "../helpers/expectError.js";

/*
 * The drift-scenario knobs of the generation config (issue 14): absent, nothing changes — not
 * the normalised config, not the dataset id (the golden and determinism tests of generation
 * cover the bytes); present, each moves what it says and nothing it should not.
 */

const BASE = { seed: 9, homes: 30, days: 30, start: "2025-01-01" };

test("absent knobs leave the normalised config and the dataset id as they were", () => {
  const config = parseGenerationConfig(BASE);
  for (const key of ["radioEnvironment", "signalLossDb", "fleetAgeScale"]) {
    assert.not.ok(key in config, `${key} in the parsed config`);
    assert.not.ok(key in dataConfig(config), `${key} in the data config`);
  }
  const undefinedKnobs = parseGenerationConfig({
    ...BASE,
    radioEnvironment: undefined,
    signalLossDb: undefined,
    fleetAgeScale: undefined,
  });
  assert.is(datasetIdFor(undefinedKnobs), datasetIdFor(config));
  for (const knob of [{ radioEnvironment: "congested" }, { signalLossDb: 6 }, { fleetAgeScale: 2 }]) {
    assert.is.not(
      datasetIdFor(parseGenerationConfig({ ...BASE, ...knob })),
      datasetIdFor(config),
      JSON.stringify(knob),
    );
  }
});

test("radioEnvironment forces every home's radio class, and nothing else about the home", () => {
  const plain = homeGenerationSpec(parseGenerationConfig(BASE));
  const forced = homeGenerationSpec(parseGenerationConfig({ ...BASE, radioEnvironment: "congested" }));
  const radios = new Set<string>();
  for (let i = 0; i < BASE.homes; i++) {
    const a = generateHome(plain, i);
    const b = generateHome(forced, i);
    radios.add(a.home.radio);
    assert.is(b.home.radio, "congested");
    assert.equal({ ...b.home, radio: a.home.radio }, a.home);
    assert.equal(b.devices, a.devices);
  }
  assert.ok(radios.size > 1, "the plain homes have several radio classes");
});

test("signalLossDb lowers every link by exactly that; fleetAgeScale multiplies the fleet and device ages", () => {
  const config = parseGenerationConfig(BASE);
  const spec = homeGenerationSpec(config);
  let failuresPlain = 0;
  let failuresOld = 0;
  for (let i = 0; i < BASE.homes; i++) {
    const g = generateHome(spec, i);
    const plain = homeContext(g, config);
    const weak = homeContext(g, { ...config, signalLossDb: 8 });
    const old = homeContext(g, { ...config, fleetAgeScale: 3 });
    assert.ok(Math.abs(old.fleetAgeYears - 3 * plain.fleetAgeYears) < 1e-9);
    plain.devices.forEach((d, k) => {
      assert.ok(Math.abs(weak.devices[k].link.signalDbm - (d.link.signalDbm - 8)) < 1e-9);
      assert.is(weak.devices[k].link.distanceM, d.link.distanceM);
      assert.ok(Math.abs(old.devices[k].ageYears - 3 * d.ageYears) < 1e-9);
    });
    const share = { ...config, share: config.failures.share };
    failuresPlain += planHomeFailures(g, share, plain).filter((p) => p !== null).length;
    failuresOld += planHomeFailures(g, share, old).filter((p) => p !== null).length;
  }
  // older devices sit further up the bathtub curve: more of them fail
  assert.ok(failuresOld > failuresPlain, `${failuresOld} vs ${failuresPlain} failures`);
});

test("bad knob values get a one-line error naming the field", async () => {
  await expectHomeforgeError(
    () => parseGenerationConfig({ radioEnvironment: "stormy" }),
    /config\.radioEnvironment.*clean, moderate, congested, thick_walls/,
  );
  await expectHomeforgeError(
    () => parseGenerationConfig({ signalLossDb: -1 }),
    /config\.signalLossDb.*0 dB or more/,
  );
  await expectHomeforgeError(
    () => parseGenerationConfig({ fleetAgeScale: 50 }),
    /config\.fleetAgeScale.*at most 10/,
  );
});

test.run();
