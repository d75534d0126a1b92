import { ModelRegistry } from "../registry/registry.js";
import { rankingMetrics } from "../synergy/rankingMetrics.js";
import { graphLabels } from "../synergy/synergyBaselines.js";
import { bootstrapHomeMean } from "../synergy/synergyBootstrap.js";
import type { SynergyGnn } from "../synergy/synergyGnn.js";
import { SYNERGY_GNN_KIND } from "../synergy/synergyGnnKind.js";
import type { SynergyGraph } from "../synergy/synergyTypes.js";
import { freshHomes, homeIdentity } from "./freshHomes.js";
import {
  type CheckContext,
  type GatheredChecks,
  nothingServed,
  servedVersion,
  unscored,
} from "./servedChecks.js";
import { candidatePairColumns } from "./snapshotColumns.js";
import { type SynergySufficiencyThresholds, synergyHomeCounts, synergySufficiency } from "./sufficiency.js";
import { readTrainingSnapshot, snapshotDrift } from "./trainingSnapshot.js";

const METRIC = "mean per-home AP";

/**
 * The synergy GNN's checks on a dataset's graphs (the full-history cut is read; other cuts
 * are ignored): sufficiency (homes, planted links); drift of the candidate pairs' statistics
 * against the production version's snapshot; the homes it never saw; and the mean per-home
 * average precision at full history on the homes it never trained or validated on, with a
 * bootstrap interval over homes. The floor's reference is the version's best validation
 * mean per-graph AP (training summary: every cut, so below its full-history value — a
 * lenient floor, never a strict one).
 */
export async function synergyChecks(
  graphs: readonly SynergyGraph[],
  name: string,
  ctx: CheckContext & { thresholds?: Partial<SynergySufficiencyThresholds> },
): Promise<GatheredChecks> {
  const full = graphs.filter((g) => g.historyDays === null);
  const counts = synergyHomeCounts(full);
  const sufficiency = synergySufficiency(counts, {
    seed: ctx.seed,
    fractions: ctx.fractions,
    thresholds: ctx.thresholds,
    model: name,
  });
  const homes = new Set(counts.map((h) => h.homeId));
  const pairs = full.reduce((n, g) => n + g.pairCount, 0);
  const registry = new ModelRegistry(ctx.modelsDir);
  const served = servedVersion(registry, name);
  if (!served) {
    return nothingServed(name, METRIC, sufficiency, {
      servedDatasetId: null,
      datasetId: ctx.dataset.id,
      newHomes: homes.size,
      newRows: pairs,
      rowUnit: "candidate pairs",
    });
  }
  const identity = homeIdentity({ datasetId: served.dataset_id }, ctx.dataset, ctx.dataRoots);
  const snapshot = readTrainingSnapshot(served.dir);
  const drift = [
    {
      model: name,
      version: served.version,
      report: snapshot ? snapshotDrift(snapshot, candidatePairColumns(full), ctx.driftThresholds) : null,
    },
  ];
  const unseen = freshHomes(homes, [served.dir], ["train", "validation", "test"], identity);
  const newPairs = full.filter((g) => unseen.has(g.homeId)).reduce((n, g) => n + g.pairCount, 0);

  const fresh = freshHomes(homes, [served.dir], ["train", "validation"], identity);
  const scored = full.filter((g) => fresh.has(g.homeId) && g.labels !== null);
  const training = registry.show(name, served.version).meta.training as { best_validation_ap?: unknown };
  const reference =
    typeof training.best_validation_ap === "number" && Number.isFinite(training.best_validation_ap)
      ? training.best_validation_ap
      : null;
  let floor = unscored(METRIC, reference);
  if (scored.length > 0) {
    const loaded = await registry.load<SynergyGnn>(name, served.version, SYNERGY_GNN_KIND);
    try {
      const scores = loaded.model.score(scored);
      const ap = scored.map((g, i) => rankingMetrics(scores[i], graphLabels(g)).averagePrecision);
      const interval = bootstrapHomeMean(ap, { seed: ctx.seed, resamples: ctx.bootstrapResamples });
      floor = { metric: METRIC, interval, homes: interval.homes, reference };
    } finally {
      loaded.model.dispose();
    }
  }
  return {
    served,
    sufficiency,
    drift,
    newData: {
      servedDatasetId: served.dataset_id,
      datasetId: ctx.dataset.id,
      newHomes: unseen.size,
      newRows: newPairs,
      rowUnit: "candidate pairs",
    },
    floor,
    notes: [identity.note],
    sameHomes: identity.same,
  };
}
