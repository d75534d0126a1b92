/**
 * Failure-classifier experiments (a script, not a test): feature and loss variants, a seed
 * ensemble, and per-type fine-tuning vs training from scratch, each fitted on the TRAIN homes
 * of the main job's split and scored on the VALIDATION homes only (PR-AUC with a 95 %
 * bootstrap interval over validation homes, and the paired difference to the first variant).
 * Test homes are never scored here: this is where choices are made.
 *
 *   npx tsx bench/failureExperiments.ts --dataset DIR [--homes N] [--only a,b,…] [--epochs E]
 *   npx tsx bench/failureExperiments.ts --dataset DIR --per-type [--features NAME]
 *
 * --homes keeps the first N homes (sorted ids) for quick screening; --only lists variants by
 * name (see variantOf; the first one listed is the reference of the paired differences).
 */
import type { ColumnTable } from "../lib/core/columnTable.js";
import { DEFAULTS } from "../lib/core/defaults.js";
import { chooseBackend } from "../lib/models/backend.js";
import { bootstrapInterval, pairedDifference, verdictText } from "../lib/models/evaluation/bootstrap.js";
import { prAuc } from "../lib/models/evaluation/metrics.js";
import { FailureClassifier, type FailureClassifierParams } from "../lib/models/failure/failureClassifier.js";
import {
  buildFeatures,
  type FeatureOptions,
  type FeatureSet,
  featureSpecFor,
} from "../lib/models/failure/features.js";
import { readTelemetryDataset } from "../lib/models/failure/telemetryDataset.js";
import { rowsOfType, splitHomes, splitRows } from "../lib/models/split.js";
import { selectRows } from "../lib/models/tableInput.js";
import { uncensoredRows } from "../lib/pipeline/storage/censoring.js";

interface Variant {
  name: string;
  features: Partial<FeatureOptions>;
  params?: Partial<FailureClassifierParams>;
  /** > 1: average the probabilities of this many seeds. */
  seeds?: number;
}

/**
 * A variant is named by its tokens joined with "+": base (today + 7-day windows + one-hots),
 * ctx (context one-hots and floors), w<N> (another trailing window of N days), b<N> (change
 * since the first N days), rec (days since restart / drop), focal (focal loss), unw (no class
 * weighting), bal (balanced class weights; neither: the classifier's default), ens<N> (average
 * of N seeds), lr<X> (learning rate), l2<X> (L2 penalty), ftlr<X> (fine-tuning learning rate,
 * --per-type).
 * E.g. base+ctx+w28+focal.
 */
function variantOf(name: string): Variant {
  const features: Partial<FeatureOptions> = {
    context: false,
    longWindows: [],
    baselineDays: 0,
    recency: false,
  };
  const params: Partial<FailureClassifierParams> = {};
  let seeds = 1;
  for (const token of name.split("+")) {
    const n = (prefix: string) => Number(token.slice(prefix.length));
    if (token === "base") continue;
    if (token === "ctx") features.context = true;
    else if (/^w\d+$/.test(token)) features.longWindows = [...(features.longWindows ?? []), n("w")];
    else if (/^b\d+$/.test(token)) features.baselineDays = n("b");
    else if (token === "rec") features.recency = true;
    else if (token === "focal") params.loss = "focal";
    else if (token === "unw") params.classWeight = "none";
    else if (token === "bal") params.classWeight = "balanced";
    else if (/^ens\d+$/.test(token)) seeds = n("ens");
    else if (/^lr[\d.e-]+$/.test(token)) params.learningRate = n("lr");
    else if (/^l2[\d.e-]+$/.test(token)) params.l2 = n("l2");
    else if (/^ftlr[\d.e-]+$/.test(token)) params.fineTuneLearningRate = n("ftlr");
    else throw new Error(`unknown variant token ${token} in ${name}`);
  }
  // the set carrying context columns is not enough: the classifier reads them only with its
  // context param on (and refuses context on a set without them), so both follow the token
  params.context = features.context;
  return { name, features, params, seeds };
}

const DEFAULT_VARIANTS = ["base", "base+ctx", "base+w14+w28", "base+w28", "base+b7", "base+rec"];

interface Args {
  dataset: string;
  homes: number | null;
  only: string[] | null;
  epochs: number | null;
  perType: boolean;
  features: string;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { dataset: "", homes: null, only: null, epochs: null, perType: false, features: "base" };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => argv[++i];
    if (flag === "--dataset") args.dataset = value();
    else if (flag === "--homes") args.homes = Number(value());
    else if (flag === "--only") args.only = value().split(",");
    else if (flag === "--epochs") args.epochs = Number(value());
    else if (flag === "--per-type") args.perType = true;
    else if (flag === "--features") args.features = value();
    else throw new Error(`unknown flag ${flag}`);
  }
  if (!args.dataset) throw new Error("--dataset DIR is required");
  return args;
}

/** The uncensored rows of the first `homes` homes (sorted ids), or all homes. */
function prepare(table: ColumnTable, homes: number | null): ColumnTable {
  const kept = uncensoredRows(table);
  if (homes === null) return selectRows(table, kept);
  const ids = table.columns.home_id as string[];
  const chosen = new Set([...new Set(ids)].sort().slice(0, homes));
  return selectRows(
    table,
    Array.from(kept).filter((i) => chosen.has(ids[i])),
  );
}

interface Scored {
  name: string;
  proba: Float32Array;
  seconds: number;
  bestEpoch: number;
  losses: number[];
}

const fmt = (x: number) => x.toFixed(3);

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const backend = await chooseBackend();
  const { table: raw } = await readTelemetryDataset(args.dataset);
  const table = prepare(raw, args.homes);
  const seed = DEFAULTS.seed;
  const ids = table.columns.home_id as string[];
  const types = table.columns.home_type as string[];
  // the main job's split: same seed, same default fractions, so its validation homes
  const rows = splitRows(splitHomes(ids, types, { seed }), ids);
  const validationLabels = Uint8Array.from(
    rows.validation,
    (i) => (table.columns.fails_within_7d as Int32Array)[i],
  );
  const validationHomes = Array.from(rows.validation, (i) => ids[i]);
  console.log(
    `backend ${backend.backend}; ${table.rows} uncensored rows, ${new Set(ids).size} homes; train ${rows.train.length} rows, validation ${rows.validation.length} rows (${validationLabels.reduce((a, b) => a + b, 0)} positives, ${new Set(validationHomes).size} homes)`,
  );
  const baseParams: Partial<FailureClassifierParams> = {
    seed,
    ...(args.epochs ? { epochs: args.epochs } : {}),
  };
  const sets = new Map<string, FeatureSet>();
  const setFor = (features: Partial<FeatureOptions>) => {
    const key = JSON.stringify(features);
    let set = sets.get(key);
    if (!set) {
      set = buildFeatures(table, featureSpecFor(table, features));
      sets.set(key, set);
    }
    return set;
  };

  if (args.perType) return perTypeExperiment(args, table, rows, setFor, baseParams);

  const variants = (args.only ?? DEFAULT_VARIANTS).map(variantOf);
  const scored: Scored[] = [];
  for (const variant of variants) {
    const set = setFor(variant.features);
    const started = performance.now();
    const proba = new Float32Array(rows.validation.length);
    let bestEpoch = 0;
    let losses: number[] = [];
    let inputs = 0;
    const seeds = variant.seeds ?? 1;
    for (let s = 0; s < seeds; s++) {
      const model = new FailureClassifier({ ...baseParams, ...variant.params, seed: seed + s });
      await model.fitFeatures({ set, rows: rows.train }, { set, rows: rows.validation });
      const p = model.predictProba(set, rows.validation);
      for (let k = 0; k < p.length; k++) proba[k] += p[k] / seeds;
      if (seeds > 1)
        console.log(
          `  ${variant.name} seed ${seed + s}: validation PR-AUC ${fmt(prAuc(validationLabels, p))}`,
        );
      bestEpoch = model.training!.best_epoch;
      inputs = model.featureNames.length;
      losses = model.training!.validation_loss;
      model.dispose();
    }
    const seconds = (performance.now() - started) / 1000;
    scored.push({ name: variant.name, proba, seconds, bestEpoch, losses });
    report(scored, validationLabels, validationHomes, inputs, seed);
  }
}

function report(scored: Scored[], labels: Uint8Array, homes: string[], features: number, seed: number): void {
  const reference = scored[0];
  const last = scored[scored.length - 1];
  const rowsOf = { labels, homes };
  const ci = bootstrapInterval(rowsOf, { scores: last.proba, threshold: 0.5 }, "pr_auc", { seed });
  const diff = pairedDifference(
    rowsOf,
    { scores: last.proba, threshold: 0.5 },
    { scores: reference.proba, threshold: 0.5 },
    "pr_auc",
    { seed },
  );
  console.log(
    `${last.name.padEnd(22)} ${String(features).padStart(3)} features  validation PR-AUC ${fmt(ci.estimate)} [${fmt(ci.lo)}, ${fmt(ci.hi)}]  vs ${reference.name}: ${diff.estimate >= 0 ? "+" : ""}${fmt(diff.estimate)} [${fmt(diff.lo)}, ${fmt(diff.hi)}] (${verdictText(diff.verdict, last.name, reference.name)})  best epoch ${last.bestEpoch} (validation loss ${last.losses.map((l) => l.toFixed(3)).join(" ")}), ${last.seconds.toFixed(0)} s`,
  );
}

/** Per home type, on its validation homes: the global model, fine-tuned from it, and from scratch. */
async function perTypeExperiment(
  args: Args,
  table: ColumnTable,
  rows: { train: Int32Array; validation: Int32Array },
  setFor: (f: Partial<FeatureOptions>) => FeatureSet,
  params: Partial<FailureClassifierParams>,
): Promise<void> {
  const variant = variantOf(args.features);
  const set = setFor(variant.features);
  const seed = params.seed ?? DEFAULTS.seed;
  const global = new FailureClassifier({ ...params, ...variant.params });
  await global.fitFeatures({ set, rows: rows.train }, { set, rows: rows.validation });
  const types = [...new Set(table.columns.home_type as string[])].sort();
  const labelsOf = (r: Int32Array) => Uint8Array.from(r, (i) => set.labels[i]);
  const homesOf = (r: Int32Array) => Array.from(r, (i) => set.homeIds[i] as string);
  console.log(`per type (features ${variant.name}), validation PR-AUC [95 % over validation homes]`);
  for (const type of types) {
    const train = rowsOfType(rows.train, set.homeTypes, type);
    const validation = rowsOfType(rows.validation, set.homeTypes, type);
    const positives = labelsOf(train).reduce((a, b) => a + b, 0);
    if (validation.length === 0 || positives < 10) {
      console.log(
        `${type.padEnd(20)} skipped: ${positives} training positives, ${validation.length} validation rows`,
      );
      continue;
    }
    const scores: Record<string, Float32Array> = { global: global.predictProba(set, validation) };
    const started = performance.now();
    for (const how of ["fine_tune", "from_scratch"] as const) {
      const model = new FailureClassifier({ ...params, ...variant.params });
      await model.fitFeatures(
        { set, rows: train },
        { set, rows: validation },
        how === "fine_tune" ? { warmStart: { model: global, from: "global" } } : {},
      );
      scores[how] = model.predictProba(set, validation);
      model.dispose();
    }
    const r = { labels: labelsOf(validation), homes: homesOf(validation) };
    const line = Object.entries(scores).map(([name, s]) => {
      const ci = bootstrapInterval(r, { scores: s, threshold: 0.5 }, "pr_auc", { seed });
      return `${name} ${fmt(ci.estimate)} [${fmt(ci.lo)}, ${fmt(ci.hi)}]`;
    });
    const d = pairedDifference(
      r,
      { scores: scores.fine_tune, threshold: 0.5 },
      { scores: scores.global, threshold: 0.5 },
      "pr_auc",
      { seed },
    );
    console.log(
      `${type.padEnd(20)} ${new Set(r.homes).size} homes, ${r.labels.reduce((a, b) => a + b, 0)} positives: ${line.join("  ")}  fine_tune − global ${fmt(d.estimate)} [${fmt(d.lo)}, ${fmt(d.hi)}] (${verdictText(d.verdict, "fine_tune", "global")}) ${((performance.now() - started) / 1000).toFixed(0)} s`,
    );
  }
  global.dispose();
}

main().catch((e) => {
  console.error(`error: ${(e as Error).message}`);
  process.exit(1);
});
