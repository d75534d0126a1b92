import type { Rng } from "../../lib/core/random.js";
import type { LoggedPrediction, OnlineAbStore } from "../../lib/serving/onlineAb.js";

/**
 * Logs `n` predictions per arm of the experiment "failure-router" over 20 homes (arm a
 * serves v1, arm b v2); arm b's scores separate the labels by `separationB`, arm a's by 0.5.
 * With `sameAsA`, arm b gets copies of arm a's scores and labels (truly equal arms). Returns
 * each prediction's label, for feedback.
 */
export function fillExperiment(
  store: OnlineAbStore,
  rng: Rng,
  n: number,
  separationB: number,
  options: { sameAsA?: boolean } = {},
): Map<string, 0 | 1> {
  const labels = new Map<string, 0 | 1>();
  const rows: LoggedPrediction[] = [];
  const drawn: { label: 0 | 1; p: number }[] = [];
  for (const arm of ["a", "b"] as const) {
    for (let i = 0; i < n; i++) {
      let draw = arm === "b" && options.sameAsA ? drawn[i] : undefined;
      if (!draw) {
        const label = rng.bernoulli(0.3) ? 1 : 0;
        const separation = arm === "b" ? separationB : 0.5;
        draw = { label, p: 1 / (1 + Math.exp(-(rng.normal() + (label ? separation : -separation)))) };
        if (arm === "a") drawn.push(draw);
      }
      const id = `${arm}-${i}`;
      labels.set(id, draw.label);
      rows.push({
        prediction_id: id,
        experiment: "failure-router",
        arm,
        served_model: "failure-router",
        served_version: arm === "a" ? "v1" : "v2",
        home_id: `home_${i % 20}`,
        entity_id: `sensor.d${i}`,
        day: "2025-01-10",
        probability: draw.p,
        threshold: 0.5,
        logged_at: "2026-12-02T00:00:00.000Z",
      });
    }
  }
  store.logPredictions(rows);
  return labels;
}
