import type { ColumnTable } from "../../core/columnTable.js";
import { censoredMask } from "../../pipeline/storage/censoring.js";
import {
  type BootstrapOptions,
  type BootstrapRows,
  bootstrapInterval,
  MIN_COMPARE_HOMES,
  MIN_COMPARE_POSITIVES,
  pairedDifference,
  type ScoredColumn,
} from "../evaluation/bootstrap.js";
import { predictFailures } from "../failure/predictFailures.js";
import { ModelRegistry } from "../registry/registry.js";
import { selectRows } from "../tableInput.js";
import {
  type AbComparison,
  type AbVersion,
  type AbVersionScore,
  abDifference,
  type ServedThreshold,
} from "./abTypes.js";
import { mcnemarTest } from "./mcnemar.js";

/** A side's scores on the evaluated rows, with each row's served decision. */
interface FailureScores extends ScoredColumn {
  decisions: Uint8Array;
  thresholds: ServedThreshold[];
}

/**
 * Both failure versions (router or classifier) on the labelled, uncensored telemetry rows of
 * `homes`: PR-AUC of each with its bootstrap interval over homes, the paired interval of
 * b − a (the same resampled homes for both) and McNemar's test on each row's correctness at
 * the threshold of the classifier that served it. Every row of a home is scored (windows
 * look back within a device), then censored and unlabelled rows are left out.
 */
export async function compareFailureVersions(
  telemetry: ColumnTable,
  versions: { a: AbVersion; b: AbVersion },
  homes: ReadonlySet<string>,
  options: { modelsDir: string } & Pick<BootstrapOptions, "seed" | "resamples">,
): Promise<AbComparison> {
  const homeIds = telemetry.columns.home_id as (string | null)[];
  const rows: number[] = [];
  for (let i = 0; i < telemetry.rows; i++) if (homes.has(homeIds[i] ?? "")) rows.push(i);
  const table = selectRows(telemetry, rows);

  const label = table.columns.fails_within_7d as ArrayLike<number | boolean | null>;
  const censored = censoredMask(table);
  const evaluated: number[] = [];
  for (let i = 0; i < table.rows; i++) if (censored[i] === 0 && label[i] !== null) evaluated.push(i);
  const labels = Uint8Array.from(evaluated, (i) => (label[i] === 1 || label[i] === true ? 1 : 0));
  const evaluatedHomes = evaluated.map((i) => (table.columns.home_id as string[])[i]);
  const bootstrapRows: BootstrapRows = { labels, homes: evaluatedHomes };

  const registry = new ModelRegistry(options.modelsDir);
  const thresholdOf = new Map<string, number>();
  const scoresOf = async (v: AbVersion): Promise<FailureScores> => {
    const predicted = await predictFailures(table, {
      modelsDir: options.modelsDir,
      model: `${v.name}@${v.version}`,
    });
    const p = predicted.table.columns.probability as Float64Array;
    const servedName = predicted.table.columns.served_model as string[];
    const servedVersion = predicted.table.columns.served_version as string[];
    const scores = new Float64Array(evaluated.length);
    const decisions = new Uint8Array(evaluated.length);
    const used = new Map<string, ServedThreshold>();
    evaluated.forEach((i, j) => {
      const key = `${servedName[i]}@${servedVersion[i]}`;
      let threshold = thresholdOf.get(key);
      if (threshold === undefined) {
        threshold = registry.show(servedName[i], servedVersion[i]).meta.signature.threshold ?? 0.5;
        thresholdOf.set(key, threshold);
      }
      const served = used.get(key) ?? {
        model: servedName[i],
        version: servedVersion[i],
        threshold,
        rows: 0,
      };
      served.rows++;
      used.set(key, served);
      scores[j] = p[i];
      decisions[j] = p[i] >= threshold ? 1 : 0;
    });
    return { scores, threshold: Number.NaN, decisions, thresholds: [...used.values()] };
  };
  const a = await scoresOf(versions.a);
  const b = await scoresOf(versions.b);

  const bootstrap = { seed: options.seed, resamples: options.resamples };
  const scored = (s: FailureScores): AbVersionScore => {
    let right = 0;
    for (let j = 0; j < labels.length; j++) if (s.decisions[j] === labels[j]) right++;
    return {
      metric: bootstrapInterval(bootstrapRows, s, "pr_auc", bootstrap),
      accuracy: labels.length > 0 ? right / labels.length : Number.NaN,
      thresholds: s.thresholds,
    };
  };
  const difference = pairedDifference(bootstrapRows, b, a, "pr_auc", bootstrap);
  const correct = (s: FailureScores) => Uint8Array.from(labels, (y, j) => (s.decisions[j] === y ? 1 : 0));
  return {
    label: "held-out device-days",
    rows: labels.length,
    homes: difference.homes,
    positives: difference.positives,
    a: scored(a),
    b: scored(b),
    difference: abDifference(
      difference,
      `${difference.homes} held-out homes with ${difference.positives} failing device-days (an interval needs ${MIN_COMPARE_HOMES} homes and ${MIN_COMPARE_POSITIVES} positives)`,
    ),
    mcnemar: mcnemarTest(correct(a), correct(b)),
  };
}
