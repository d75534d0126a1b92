import type { ColumnTable } from "../../core/columnTable.js";
import { FailureClassifier, type FailureClassifierParams } from "./failureClassifier.js";

/**
 * The baselines every failure model is reported next to, on the same test rows:
 * - the fixed rule an installer would write;
 * - logistic regression on today's 11 telemetry features (a single seeded dense sigmoid
 *   unit, class-weighted, early-stopped, threshold chosen on validation like the MLP).
 */
export const FIXED_RULE = "error_rate > 0.1 or battery_level < 20 or response_time > 2000";

/**
 * 1 where the fixed rule fires. A missing value never fires its clause. The rule has no
 * ranking, so its ROC-AUC and PR-AUC are those of a 0/1 score.
 */
export function fixedRuleScores(table: ColumnTable, rows?: ArrayLike<number>): Float32Array {
  const errorRate = table.columns.error_rate as Float64Array;
  const battery = table.columns.battery_level as Float64Array;
  const response = table.columns.response_time as Float64Array;
  const n = rows ? rows.length : table.rows;
  const out = new Float32Array(n);
  for (let k = 0; k < n; k++) {
    const i = rows ? rows[k] : k;
    // comparisons with NaN are false, which is the "missing never fires" rule
    out[k] = errorRate[i] > 0.1 || battery[i] < 20 || response[i] > 2000 ? 1 : 0;
  }
  return out;
}

/** The rule's decision threshold on its 0/1 scores. */
export const FIXED_RULE_THRESHOLD = 0.5;

export function logisticRegression(params: Partial<FailureClassifierParams> = {}): FailureClassifier {
  return new FailureClassifier({ patience: 5, ...params, hiddenUnits: [], features: "today" });
}
