import type { ColumnTable } from "../../core/columnTable.js";
import { censoredMask } from "../../pipeline/storage/censoring.js";
import { bootstrapInterval } from "../evaluation/bootstrap.js";
import type { FailureRouter } from "../failure/failureRouter.js";
import { predictFailures } from "../failure/predictFailures.js";
import { FAILURE_ROUTER_KIND } from "../failure/routerKind.js";
import { ModelRegistry } from "../registry/registry.js";
import { selectRows } from "../tableInput.js";
import { freshHomes, homeIdentity } from "./freshHomes.js";
import {
  type CheckContext,
  type GatheredChecks,
  nothingServed,
  servedVersion,
  unscored,
} from "./servedChecks.js";
import { telemetryFeatureColumns } from "./snapshotColumns.js";
import { type FailureSufficiencyThresholds, failureSufficiency } from "./sufficiency.js";
import { readTrainingSnapshot, snapshotDrift } from "./trainingSnapshot.js";
import type { VersionDrift } from "./triggers.js";

const METRIC = "PR-AUC";

/**
 * The failure router's checks on a telemetry table: sufficiency; drift of every classifier
 * the production router serves (the global one against all uncensored rows, a per-type one
 * against its home type's) against its training snapshot; the rows and homes it never saw;
 * and the routed PR-AUC on the labelled rows of homes none of its classifiers trained or
 * validated on, with a bootstrap interval over homes. The floor's reference is the default
 * route's (global) classifier's validation PR-AUC: the router itself records no single one.
 */
export async function failureChecks(
  table: ColumnTable,
  name: string,
  ctx: CheckContext & { thresholds?: Partial<FailureSufficiencyThresholds> },
): Promise<GatheredChecks> {
  const sufficiency = failureSufficiency(table, {
    seed: ctx.seed,
    fractions: ctx.fractions,
    thresholds: ctx.thresholds,
    model: name,
  });
  const censored = censoredMask(table);
  const eligible: number[] = [];
  for (let i = 0; i < table.rows; i++) if (censored[i] === 0) eligible.push(i);
  const homeIds = table.columns.home_id as ArrayLike<string | null>;
  const homes = new Set(eligible.map((i) => homeIds[i] ?? ""));
  const registry = new ModelRegistry(ctx.modelsDir);
  const served = servedVersion(registry, name);
  if (!served) {
    return nothingServed(name, METRIC, sufficiency, {
      servedDatasetId: null,
      datasetId: ctx.dataset.id,
      newHomes: homes.size,
      newRows: table.rows,
    });
  }
  const router = (await registry.load<FailureRouter>(name, served.version, FAILURE_ROUTER_KIND)).model;
  const classifiers = router
    .references()
    .filter((r, i, all) => all.findIndex((o) => o.name === r.name && o.version === r.version) === i);
  const dirOf = (m: { name: string; version: string }) => registry.show(m.name, m.version).dir;
  const identity = homeIdentity({ datasetId: served.dataset_id }, ctx.dataset, ctx.dataRoots);

  // drift: each served classifier against the rows it would score
  const types = table.columns.home_type as ArrayLike<string | null>;
  const drift: VersionDrift[] = classifiers.map((c) => {
    const snapshot = readTrainingSnapshot(dirOf(c));
    if (!snapshot) return { model: c.name, version: c.version, report: null };
    const global = c.name === router.spec.default.name && c.version === router.spec.default.version;
    const rows = global
      ? eligible
      : eligible.filter((i) => {
          const s = router.servedFor(types[i]);
          return s.name === c.name && s.version === c.version;
        });
    return {
      model: c.name,
      version: c.version,
      report: snapshotDrift(snapshot, telemetryFeatureColumns(table, rows), ctx.driftThresholds),
    };
  });

  // new data: homes no classifier saw at all; the same homes observed longer add rows
  const dirs = classifiers.map(dirOf);
  const unseen = freshHomes(homes, dirs, ["train", "validation", "test"], identity);
  let newRows = 0;
  for (const i of eligible) if (unseen.has(homeIds[i] ?? "")) newRows++;
  if (identity.same && served.dataset_rows !== null)
    newRows = Math.max(newRows, table.rows - served.dataset_rows);

  // metric floor: routed scores on labelled rows of homes never trained or validated on
  const fresh = freshHomes(homes, dirs, ["train", "validation"], identity);
  const rows = eligible.filter((i) => fresh.has(homeIds[i] ?? ""));
  const reference = validationPrAuc(registry, router.spec.default);
  let floor = unscored(METRIC, reference);
  if (rows.length > 0) {
    const scored = selectRows(table, rows);
    const predictions = await predictFailures(scored, {
      modelsDir: ctx.modelsDir,
      model: `${name}@${served.version}`,
    });
    const labels = Uint8Array.from(scored.columns.fails_within_7d as ArrayLike<number>, (v) =>
      v === 1 ? 1 : 0,
    );
    const rowHomes = scored.columns.home_id as (string | null)[];
    const interval = bootstrapInterval(
      { labels, homes: rowHomes },
      { scores: predictions.table.columns.probability as Float64Array, threshold: 0.5 },
      "pr_auc",
      { seed: ctx.seed, resamples: ctx.bootstrapResamples },
    );
    floor = { metric: METRIC, interval, homes: fresh.size, reference };
  }
  return {
    served,
    sufficiency,
    drift,
    newData: {
      servedDatasetId: served.dataset_id,
      datasetId: ctx.dataset.id,
      newHomes: unseen.size,
      newRows,
    },
    floor,
    notes: [identity.note],
    sameHomes: identity.same,
  };
}

function validationPrAuc(registry: ModelRegistry, m: { name: string; version: string }): number | null {
  const validation = registry.show(m.name, m.version).metrics.validation as { pr_auc?: unknown } | undefined;
  return typeof validation?.pr_auc === "number" && Number.isFinite(validation.pr_auc)
    ? validation.pr_auc
    : null;
}
