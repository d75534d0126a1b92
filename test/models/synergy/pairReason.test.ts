import { test } from "uvu";
import * as assert from "uvu/assert";
import { pairReason } from "../../../lib/models/synergy/pairReason.js";
import type { PairEvidence } from "../../../lib/models/synergy/synergyTypes.js";

const evidence = (over: Partial<PairEvidence>): PairEvidence => ({
  triggerOnsets: 52,
  actionOnsets: 60,
  followed: [41, 44, 45],
  chance: [0.3, 1.8, 6.9],
  explainedActions: 44,
  reverseFollowed: 0,
  coOccurrences30s: 50,
  medianDelayMs: 2400,
  delayLogSd: 0.2,
  ...over,
});

test("a link: the tightest window holding 80 % of the follows, chance, delay and its consistency", () => {
  assert.is(
    pairReason(evidence({}), true),
    "action followed trigger within 5 s in 41 of 52 onsets (chance 0.3); median delay 2.4 s, consistent; same area",
  );
});

test("a walk-through: follows spread over two minutes, reverse follows, variable delay", () => {
  const reason = pairReason(
    evidence({ followed: [3, 10, 20], reverseFollowed: 7, medianDelayMs: 35_000, delayLogSd: 1.1 }),
    false,
  );
  assert.is(
    reason,
    "action followed trigger within 2 min in 20 of 52 onsets (chance 6.9); median delay 35 s, variable; trigger followed action 7 times; different areas",
  );
});

test("no follows reads the 30 s window; no trigger onset says so", () => {
  assert.match(
    pairReason(evidence({ followed: [0, 0, 0], medianDelayMs: null, delayLogSd: null }), true),
    /^action followed trigger within 30 s in 0 of 52 onsets \(chance 1\.8\); same area$/,
  );
  assert.is(
    pairReason(evidence({ triggerOnsets: 0, followed: [0, 0, 0] }), false),
    "trigger never entered its state in the observed history; different areas",
  );
});

test("small chances keep two decimals; one reverse follow is one time", () => {
  assert.match(
    pairReason(evidence({ chance: [0.03, 0.2, 0.9], reverseFollowed: 1 }), true),
    /\(chance 0\.03\).*trigger followed action 1 time;/,
  );
});

test.run();
