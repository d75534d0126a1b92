import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ColumnTable } from "../../core/columnTable.js";
import { HomeforgeError } from "../../core/errors.js";
import { type TelemetryInput, toColumnTable } from "../tableInput.js";
import { averagePrecision, type FailureEstimator, isFeatureSet, labelsOf } from "./estimator.js";
import {
  FailureClassifier,
  type FailureClassifierParams,
  type FailurePreprocess,
  readPreprocess,
} from "./failureClassifier.js";
import type { FeatureSet } from "./features.js";

/**
 * The baselines every failure model is reported next to, on the same test rows, as
 * estimators with the classifier's shape (see FailureEstimator), so one code path runs all:
 * - FixedRuleBaseline: the fixed rule an installer would write;
 * - LogisticRegressionBaseline: logistic regression (a single seeded dense sigmoid unit,
 *   class-weighted, early-stopped, threshold chosen on validation like the MLP), either on
 *   today's 11 raw telemetry features (`features: "today"`, the default: what HomeIQ did) or
 *   on the classifier's own feature spec (`features: "full"`: today + rolling windows +
 *   context one-hots, the feature-matched baseline the MLP has to beat).
 *
 * TODO(issue 12 point 3): a non-neural ensemble baseline (random forest / gradient-boosted
 * trees) on the same features. No such library is in node_modules; the candidate is
 * `ml-random-forest` (ml.js family, pure JS, MIT) — add it as a dependency, wrap it as a
 * FailureEstimator here, and add it to compareFailureModels' models.
 */
export const FIXED_RULE = "error_rate > 0.1 or battery_level < 20 or response_time > 2000";

/** The rule's decision threshold on its 0/1 scores. */
export const FIXED_RULE_THRESHOLD = 0.5;

export interface FixedRuleParams {
  /** Fires when error_rate is above this. */
  maxErrorRate: number;
  /** Fires when battery_level (percent) is below this. */
  minBatteryLevel: number;
  /** Fires when response_time (ms) is above this. */
  maxResponseTime: number;
}

export const DEFAULT_FIXED_RULE_PARAMS: FixedRuleParams = {
  maxErrorRate: 0.1,
  minBatteryLevel: 20,
  maxResponseTime: 2000,
};

export const FIXED_RULE_FILE = "fixed_rule.json";

/**
 * 1 where the fixed rule fires. A missing value never fires its clause. The rule has no
 * ranking, so its ROC-AUC and PR-AUC are those of a 0/1 score.
 */
export function fixedRuleScores(
  table: ColumnTable,
  rows?: ArrayLike<number>,
  params: FixedRuleParams = DEFAULT_FIXED_RULE_PARAMS,
): Float32Array {
  const errorRate = table.columns.error_rate as Float64Array;
  const battery = table.columns.battery_level as Float64Array;
  const response = table.columns.response_time as Float64Array;
  const { maxErrorRate, minBatteryLevel, maxResponseTime } = params;
  const n = rows ? rows.length : table.rows;
  const out = new Float32Array(n);
  for (let k = 0; k < n; k++) {
    const i = rows ? rows[k] : k;
    // comparisons with NaN are false, which is the "missing never fires" rule
    out[k] =
      errorRate[i] > maxErrorRate || battery[i] < minBatteryLevel || response[i] > maxResponseTime ? 1 : 0;
  }
  return out;
}

/**
 * The fixed rule as an estimator. It learns nothing: `fit` only marks it ready (so code
 * written for learned models runs unchanged); predictProba is the rule's 0/1 score. It needs
 * no TensorFlow.js. A FeatureSet is scored on its raw today columns (NaN where missing),
 * which gives the same 0/1 as the table.
 */
export class FixedRuleBaseline implements FailureEstimator<FixedRuleParams> {
  readonly params: Readonly<FixedRuleParams>;
  #fitted = false;

  constructor(params: Partial<FixedRuleParams> = {}) {
    this.params = Object.freeze({ ...DEFAULT_FIXED_RULE_PARAMS, ...params });
  }

  get threshold(): number {
    return FIXED_RULE_THRESHOLD;
  }
  get fitted(): boolean {
    return this.#fitted;
  }
  /** The rule as text. */
  get rule(): string {
    const p = this.params;
    return `error_rate > ${p.maxErrorRate} or battery_level < ${p.minBatteryLevel} or response_time > ${p.maxResponseTime}`;
  }

  async fit(data: TelemetryInput, _options: { validation?: TelemetryInput } = {}): Promise<this> {
    toColumnTable(data); // the same input checks as a learned model
    this.#fitted = true;
    return this;
  }

  predictProba(data: TelemetryInput | FeatureSet, rows?: ArrayLike<number>): Float32Array {
    this.requireFitted();
    if (isFeatureSet(data)) {
      const column = (name: string) => {
        const j = data.names.indexOf(name);
        if (j < 0)
          throw new HomeforgeError(
            "features",
            `the feature set has no ${name} column`,
            "build it with buildFeatures",
          );
        return data.columns[j];
      };
      const view = {
        rows: data.rows,
        columns: {
          error_rate: column("error_rate"),
          battery_level: column("battery_level"),
          response_time: column("response_time"),
        },
      } as unknown as ColumnTable;
      return fixedRuleScores(view, rows, this.params);
    }
    return fixedRuleScores(toColumnTable(data, undefined, { labelOptional: true }), rows, this.params);
  }

  predict(data: TelemetryInput | FeatureSet, rows?: ArrayLike<number>): Uint8Array {
    return Uint8Array.from(this.predictProba(data, rows), (v) => (v >= this.threshold ? 1 : 0));
  }

  /** Average precision (PR-AUC) of the rule's 0/1 score. */
  score(data: TelemetryInput | FeatureSet, rows?: ArrayLike<number>): number {
    return averagePrecision(labelsOf(data, rows), this.predictProba(data, rows));
  }

  /** Writes fixed_rule.json (the parameters). */
  async save(dir: string): Promise<void> {
    this.requireFitted();
    mkdirSync(dir, { recursive: true });
    const body = { format: "homeforge-fixed-rule", format_version: 1, rule: this.rule, params: this.params };
    writeFileSync(join(dir, FIXED_RULE_FILE), `${JSON.stringify(body, null, 2)}\n`);
  }

  static async load(dir: string): Promise<FixedRuleBaseline> {
    const path = join(dir, FIXED_RULE_FILE);
    let body: { format?: string; params?: Partial<FixedRuleParams> };
    try {
      body = JSON.parse(readFileSync(path, "utf8"));
    } catch (e) {
      throw new HomeforgeError(
        "model",
        `cannot read ${path} (${(e as Error).message.split("\n")[0]})`,
        "point at a directory written by FixedRuleBaseline.save",
      );
    }
    if (body?.format !== "homeforge-fixed-rule")
      throw new HomeforgeError(
        "model",
        `${path} is not a fixed-rule file`,
        "load it with the loader of its kind",
      );
    const rule = new FixedRuleBaseline(body.params);
    rule.#fitted = true;
    return rule;
  }

  dispose(): void {}

  private requireFitted(): void {
    if (!this.#fitted)
      throw new HomeforgeError("model", "the fixed rule is not fitted", "call fit() or load() first");
  }
}

/**
 * Logistic regression's parameters: the classifier's without the network shape; `features`
 * defaults to "today" (the 11 raw telemetry features), "full" gives the classifier's features.
 */
export type LogisticRegressionParams = Omit<FailureClassifierParams, "hiddenUnits">;

/**
 * Logistic regression: a FailureClassifier with no hidden layer (one seeded dense sigmoid
 * unit), patience 5 unless given, on today's 11 telemetry features unless `features: "full"`.
 */
export class LogisticRegressionBaseline extends FailureClassifier {
  constructor(params: Partial<LogisticRegressionParams> & { hiddenUnits?: number[] } = {}) {
    super({ patience: 5, features: "today", ...params, hiddenUnits: [] });
  }

  static override async load(dir: string): Promise<LogisticRegressionBaseline> {
    const pre: FailurePreprocess = readPreprocess(dir);
    if (pre.params.hiddenUnits.length > 0) {
      throw new HomeforgeError(
        "model",
        `${dir} holds a failure classifier with hidden layers, not logistic regression`,
        "load it with FailureClassifier.load",
      );
    }
    return new LogisticRegressionBaseline(pre.params).restore(dir, pre);
  }
}
