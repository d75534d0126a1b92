import { createHash } from "node:crypto";
import { HomeforgeError } from "../core/errors.js";
import type { AbSplit, Arm } from "./servedModels.js";

/**
 * The arm of a device in an online A/B split: a stable hash of (salt, home_id, entity_id)
 * mapped to [0, 1); below `share` is arm b. Deterministic: a device stays on its arm for
 * every request and every restart with the same split.
 */
export function assignArm(homeId: string, entityId: string, split: AbSplit): Arm {
  const digest = createHash("sha256")
    .update(`${split.salt ?? ""}\u0000${homeId}\u0000${entityId}`)
    .digest();
  return digest.readUInt32BE(0) / 2 ** 32 < split.share ? "b" : "a";
}

/** The experiment a split's predictions and feedback are stored under. */
export function experimentName(split: AbSplit): string {
  return `${split.model}:${split.a}-vs-${split.b}${split.salt ? `:${split.salt}` : ""}`;
}

/** A split checked: a model name, two different refs, a share in [0, 1]. */
export function checkAbSplit(split: AbSplit, field = "ab"): AbSplit {
  if (!split.model)
    throw new HomeforgeError(`${field}.model`, "is empty", "name a failure router or classifier");
  if (!split.a || !split.b || split.a === split.b)
    throw new HomeforgeError(
      `${field}.b`,
      `arms a (${split.a}) and b (${split.b}) must be two different refs`,
      "pass e.g. a: production, b: candidate",
    );
  if (!(split.share >= 0 && split.share <= 1))
    throw new HomeforgeError(
      `${field}.share`,
      `${split.share} is not in [0, 1]`,
      "pass e.g. 0.2 (20 % of devices on b)",
    );
  return split;
}

/** One logged prediction of an online experiment (what the A/B store keeps). */
export interface LoggedPrediction {
  prediction_id: string;
  experiment: string;
  arm: Arm;
  served_model: string;
  served_version: string;
  home_id: string;
  entity_id: string;
  day: string;
  probability: number;
  threshold: number;
  logged_at: string;
}

/** Where the service logs an experiment's predictions and their feedback labels. */
export interface AbStore {
  logPredictions(rows: LoggedPrediction[]): void;
  /** false: no such prediction id. */
  recordFeedback(predictionId: string, label: 0 | 1): boolean;
  close(): void;
}
