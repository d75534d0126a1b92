import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { DEFAULTS } from "../../core/defaults.js";
import type { PromotionPolicy, Verdict } from "../evaluation/evaluator.js";
import { type HomeSplit, type SplitFractions, splitHomes } from "../split.js";
import { evaluateSynergyScorers, type SynergyScorerEvaluation } from "./evaluateSynergyScorers.js";
import { type RegisteredSynergyModel, registerSynergyModel } from "./registerSynergyModel.js";
import { type ServedScorer, servedThreshold, statisticBaselines } from "./synergyBaselines.js";
import { SynergyGnn, type SynergyGnnParams, type SynergyTrainingSummary } from "./synergyGnn.js";
import { HISTORY_CUTS, type SynergyGraph } from "./synergyTypes.js";

/** The graphs of a run, split by home (every cut of a home lands in the same split). */
export interface SynergySplit {
  split: HomeSplit;
  train: SynergyGraph[];
  validation: SynergyGraph[];
  test: SynergyGraph[];
}

/**
 * Splits graphs by home, stratified by home type, with the same rule (and so, for the same
 * homes and seed, the same homes) as the failure classifiers' split.
 */
export function splitSynergyGraphs(
  graphs: readonly SynergyGraph[],
  options: { seed: number; fractions?: SplitFractions },
): SynergySplit {
  const split = splitHomes(
    graphs.map((g) => g.homeId),
    graphs.map((g) => g.homeType),
    options,
  );
  const where = new Map<string, "train" | "validation" | "test">();
  for (const part of ["train", "validation", "test"] as const)
    for (const h of split.homes[part]) where.set(h, part);
  const out: SynergySplit = { split, train: [], validation: [], test: [] };
  for (const g of graphs) out[where.get(g.homeId)!].push(g);
  return out;
}

/** The learned scorers of a run: the GNN (registered), its ablation and the non-graph pair classifier. */
export const LEARNED_SYNERGY_SCORERS = {
  gnn: {},
  gnn_no_message_passing: { messagePassing: false },
  pair_mlp: { messagePassing: false, nodeInputs: false },
} as const satisfies Record<string, Partial<SynergyGnnParams>>;
export type LearnedSynergyScorer = keyof typeof LEARNED_SYNERGY_SCORERS;

/** The scorers the GNN has to beat (issue 13): the three statistics and the pair classifier. */
export const SYNERGY_BASELINES = [
  "same_area_rule",
  "co_occurrence_30s",
  "lagged_statistic",
  "pair_mlp",
] as const;

/** Which split each decision of a synergy run read: never the test homes. */
export const SYNERGY_DECISIONS = {
  standardisation: "train",
  weights: "train",
  early_stopping: "validation",
  best_epoch: "validation",
  thresholds: "validation",
  baseline_thresholds: "validation",
  promotion: "validation",
  reported_metrics: "test",
} as const;

export interface TrainSynergyOptions {
  /** Registry root; synergy_results.json is written here too. */
  modelsDir: string;
  seed?: number;
  /** Maximum epochs of every learned scorer. */
  epochs?: number;
  params?: Partial<SynergyGnnParams>;
  fractions?: SplitFractions;
  /** Bootstrap resamples over test homes for the intervals (default 1000). */
  bootstrapResamples?: number;
  /** Feature names for the model's signature (the graph builder's NODE_FEATURE_NAMES / PAIR_FEATURE_NAMES). */
  featureNames?: { node: readonly string[]; pair: readonly string[] };
  /** Save the GNN to the registry, evaluate it against production and promote (default true). */
  register?: boolean;
  /** Registry name (default "synergy-gnn"). */
  modelName?: string;
  dataset?: { id: string | null; hash: string | null };
  lineageRunId?: string | null;
  onVerdict?: (verdict: Verdict) => void | Promise<void>;
  onRegistered?: (model: RegisteredSynergyModel) => void | Promise<void>;
  policy?: PromotionPolicy;
  onProgress?: (message: string) => void;
}

/** What the issue asks to hold, read off the test evaluation. */
export interface SynergyClaims {
  /** At 3 days: the GNN's AP beats every baseline (paired interval above 0). */
  beats_every_baseline_at_3_days: boolean | null;
  /** At the full horizon: no baseline beats the GNN's AP (the best baseline's paired interval does not lie above the GNN). */
  not_worse_than_best_at_full_history: boolean | null;
  /** The verdict per baseline and cut, e.g. { "3 d": { lagged_statistic: "a_beats_b" } }. */
  verdicts: Record<string, Record<string, string>>;
}

export interface SynergyTrainingResult {
  split: {
    seed: number;
    counts: HomeSplit["counts"];
    homes: Record<"train" | "validation" | "test", number>;
  };
  decisions: typeof SYNERGY_DECISIONS;
  /** Test homes, per history cut: the GNN, its ablation and every baseline. */
  evaluation: SynergyScorerEvaluation;
  claims: SynergyClaims;
  /** Per learned scorer: its training summary (loss curves, best epoch, validation AP). */
  training: Record<LearnedSynergyScorer, SynergyTrainingSummary | null>;
  registered: RegisteredSynergyModel | null;
  results_file: string;
}

export const SYNERGY_RESULTS_FILE = "synergy_results.json";

/**
 * Trains the synergy GNN on the train homes' graphs (every history cut, so one model serves
 * any amount of history), selects epochs and thresholds on the validation homes, scores it,
 * its ablation without message passing and the baselines on the test homes by history cut,
 * registers the GNN, evaluates it against production on validation homes and promotes what
 * passes. Writes `<modelsDir>/synergy_results.json`.
 */
export async function trainSynergyModel(
  graphs: readonly SynergyGraph[],
  options: TrainSynergyOptions,
): Promise<SynergyTrainingResult> {
  const seed = options.seed ?? DEFAULTS.seed;
  const progress = options.onProgress ?? (() => {});
  const parts = splitSynergyGraphs(graphs, { seed, fractions: options.fractions });
  const homes = {
    train: parts.split.homes.train.length,
    validation: parts.split.homes.validation.length,
    test: parts.split.homes.test.length,
  };
  progress(
    `synergy split: ${homes.train} train / ${homes.validation} validation / ${homes.test} test homes, ${graphs.length} graphs`,
  );

  const learned = new Map<LearnedSynergyScorer, { model: SynergyGnn; ms: number }>();
  try {
    for (const [name, variant] of Object.entries(LEARNED_SYNERGY_SCORERS) as [
      LearnedSynergyScorer,
      Partial<SynergyGnnParams>,
    ][]) {
      const started = performance.now();
      const model = new SynergyGnn({
        ...options.params,
        ...(options.epochs !== undefined ? { epochs: options.epochs } : {}),
        ...variant,
        seed,
      });
      learned.set(name, { model, ms: 0 });
      await model.fit(parts.train, {
        validation: parts.validation,
        ...(options.featureNames ? { featureNames: options.featureNames } : {}),
        onEpoch: (epoch, s) =>
          progress(
            `${name} epoch ${epoch}: train loss ${s.trainLoss.toFixed(4)}, validation loss ${s.validationLoss.toFixed(4)}, validation AP ${s.validationAp.toFixed(3)}`,
          ),
      });
      learned.get(name)!.ms = performance.now() - started;
    }

    const evaluation = evaluateByCut(parts, learned, {
      seed,
      resamples: options.bootstrapResamples,
    });
    const claims = readClaims(evaluation);
    const gnn = learned.get("gnn")!;
    const registered =
      (options.register ?? true)
        ? await registerSynergyModel(gnn.model, {
            modelsDir: options.modelsDir,
            name: options.modelName,
            split: parts.split,
            train: parts.train,
            validation: parts.validation,
            evaluation,
            claims,
            decisions: SYNERGY_DECISIONS,
            dataset: options.dataset,
            lineageRunId: options.lineageRunId ?? null,
            trainingDurationMs: Math.round(gnn.ms),
            policy: options.policy,
            onVerdict: options.onVerdict,
            onProgress: progress,
          })
        : null;
    if (registered) await options.onRegistered?.(registered);

    const result: SynergyTrainingResult = {
      split: { seed, counts: parts.split.counts, homes },
      decisions: SYNERGY_DECISIONS,
      evaluation,
      claims,
      training: Object.fromEntries(
        [...learned].map(([name, { model }]) => [name, model.training]),
      ) as SynergyTrainingResult["training"],
      registered,
      results_file: join(resolve(options.modelsDir), SYNERGY_RESULTS_FILE),
    };
    writeResults(result);
    return result;
  } finally {
    for (const { model } of learned.values()) model.dispose();
  }
}

/**
 * The test evaluation: per history cut, every scorer with a threshold chosen on the
 * validation graphs of that cut (counts grow with history, so one threshold would not fit
 * all cuts). Ranking metrics are threshold-free.
 */
function evaluateByCut(
  parts: SynergySplit,
  learned: Map<LearnedSynergyScorer, { model: SynergyGnn }>,
  bootstrap: { seed: number; resamples?: number },
): SynergyScorerEvaluation {
  const cuts = HISTORY_CUTS.filter((c) => parts.test.some((g) => g.historyDays === c));
  return evaluateSynergyScorers(
    cuts.map((cut) => {
      const validation = parts.validation.filter((g) => g.historyDays === cut);
      const scorers: ServedScorer[] = [
        ...[...learned.values()].map(({ model }) => ({
          scorer: model,
          threshold: validation.length > 0 ? servedThreshold(model, validation).threshold : model.threshold,
        })),
        ...statisticBaselines(validation.length > 0 ? validation : parts.validation),
      ];
      return { graphs: parts.test.filter((g) => g.historyDays === cut), scorers };
    }),
    {
      reference: learned.get("gnn")!.model.name,
      seed: bootstrap.seed,
      ...(bootstrap.resamples !== undefined ? { resamples: bootstrap.resamples } : {}),
    },
  );
}

/** Reads the two claims off the evaluation (null when the cut is missing). */
export function readClaims(evaluation: SynergyScorerEvaluation): SynergyClaims {
  const verdicts: SynergyClaims["verdicts"] = {};
  const label = (days: number | null) => (days === null ? "full" : `${days} d`);
  for (const cut of evaluation.cuts) {
    verdicts[label(cut.historyDays)] = Object.fromEntries(
      cut.apDifferences.map((d) => [d.scorer, d.verdict]),
    );
  }
  const baselineDiffs = (days: number | null) =>
    evaluation.cuts
      .find((c) => c.historyDays === days)
      ?.apDifferences.filter((d) => (SYNERGY_BASELINES as readonly string[]).includes(d.scorer));
  const short = baselineDiffs(3);
  const full = baselineDiffs(null);
  const fullCut = evaluation.cuts.find((c) => c.historyDays === null);
  let best: string | null = null;
  if (fullCut) {
    let bestAp = Number.NEGATIVE_INFINITY;
    for (const s of fullCut.scorers) {
      if (!(SYNERGY_BASELINES as readonly string[]).includes(s.scorer)) continue;
      const ap = s.averagePrecision?.mean ?? Number.NaN;
      if (ap > bestAp) {
        bestAp = ap;
        best = s.scorer;
      }
    }
  }
  return {
    beats_every_baseline_at_3_days:
      short && short.length > 0 ? short.every((d) => d.verdict === "a_beats_b") : null,
    not_worse_than_best_at_full_history:
      full && best !== null ? full.find((d) => d.scorer === best)?.verdict !== "b_beats_a" : null,
    verdicts,
  };
}

/** The claims as lines for the terminal: what held, and the verdicts behind each. */
export function formatSynergyClaims(claims: SynergyClaims): string {
  const say = (v: boolean | null) =>
    v === null ? "not evaluated (no such cut)" : v ? "holds" : "does NOT hold";
  const against = (cut: string) =>
    SYNERGY_BASELINES.filter((scorer) => claims.verdicts[cut]?.[scorer] !== undefined)
      .map((scorer) => `${scorer} ${claims.verdicts[cut][scorer].replaceAll("_", " ")}`)
      .join(", ");
  return [
    `claim "GNN beats every baseline at 3 days": ${say(claims.beats_every_baseline_at_3_days)} (${against("3 d")})`,
    `claim "GNN not worse than the best baseline at full history": ${say(claims.not_worse_than_best_at_full_history)} (${against("full")})`,
  ].join("\n");
}

function writeResults(result: SynergyTrainingResult): void {
  mkdirSync(resolve(result.results_file, ".."), { recursive: true });
  const tmp = `${result.results_file}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(result, null, 2)}\n`);
  renameSync(tmp, result.results_file);
}
