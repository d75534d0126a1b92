import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { HomeforgeError } from "../../core/errors.js";
import { FAILURE_CLASSIFIER_KIND } from "../failure/failureKind.js";
import { FailureRouter, type ServedModel } from "../failure/failureRouter.js";
import { FAILURE_ROUTER_KIND, ROUTER_FILE } from "../failure/routerKind.js";
import { ALIASES_FILE, type ModelRegistry } from "../registry/registry.js";
import { ALIAS_NAMES, type AliasName, type VersionInfo } from "../registry/types.js";
import { SYNERGY_GNN_KIND } from "../synergy/synergyGnnKind.js";

/**
 * What the status, version and health reports share: finding the models they describe, the
 * headline numbers of a version's metrics.json, and a router's routes. Everything here reads
 * JSON only (no TensorFlow.js), so status and version stay cheap enough for an endpoint.
 */

/** The kinds the reports describe. */
export const REPORTED_KINDS = [FAILURE_ROUTER_KIND.name, FAILURE_CLASSIFIER_KIND.name, SYNERGY_GNN_KIND.name];

/** `name` must be a model of the registry; a one-line error naming the known ones otherwise. */
export function requireKnownModel(registry: ModelRegistry, name: string, field = "model"): void {
  const known = registry.names();
  if (known.includes(name)) return;
  throw new HomeforgeError(
    field,
    `no model named "${name}" in ${registry.root}`,
    known.length > 0
      ? `known models: ${known.join(", ")}`
      : "train one first (homeforge train, homeforge train-synergy)",
  );
}

/** `ref` must be an alias or a version (v3 or 3); a one-line error naming `field` otherwise. */
export function checkRef(ref: string, field = "--ref"): void {
  if ((ALIAS_NAMES as readonly string[]).includes(ref) || /^v?[1-9][0-9]*$/.test(ref)) return;
  throw new HomeforgeError(
    field,
    `"${ref}" is not a version reference`,
    `pass ${ALIAS_NAMES.join(", ")} or a version like v3`,
  );
}

/** Does model `name` have a `ref` version (an alias that is set, or that version)? */
export function hasRef(registry: ModelRegistry, name: string, ref: string): boolean {
  if ((ALIAS_NAMES as readonly string[]).includes(ref))
    return registry.aliases(name)[ref as AliasName] !== null;
  return registry.versions(name).includes(/^[0-9]+$/.test(ref) ? `v${ref}` : ref);
}

/** The production version of every model that has one (verified), and the problems met. */
export function productionVersions(
  registry: ModelRegistry,
  names: readonly string[],
): { versions: VersionInfo[]; withoutProduction: string[]; problems: string[] } {
  const versions: VersionInfo[] = [];
  const withoutProduction: string[] = [];
  const problems: string[] = [];
  for (const name of names) {
    let production: string | null;
    try {
      production = registry.aliases(name).production;
    } catch (e) {
      problems.push(messageOf(e));
      continue;
    }
    if (!production) {
      withoutProduction.push(name);
      continue;
    }
    try {
      versions.push(registry.show(name, production));
    } catch (e) {
      problems.push(messageOf(e));
    }
  }
  return { versions, withoutProduction, problems };
}

/** A HomeforgeError's one line; anything else is a bug and is rethrown. */
export function messageOf(e: unknown): string {
  if (e instanceof HomeforgeError) return e.message;
  throw e;
}

/** One block of headline metrics: where it was read, the values, and their intervals where stored. */
export interface MetricBlock {
  /** Where in metrics.json the numbers come from. */
  source: string;
  values: Record<string, number | null>;
  /** 95 % (or `level`) intervals per metric; null when metrics.json stores none. */
  intervals: Record<string, { lo: number | null; hi: number | null }> | null;
  level: number | null;
}

export interface HeadlineMetrics {
  validation: MetricBlock | null;
  test: MetricBlock | null;
}

const BINARY_HEADLINES = [
  "samples",
  "positives",
  "threshold",
  "precision",
  "recall",
  "f1",
  "roc_auc",
  "pr_auc",
];

const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);
const obj = (v: unknown): Record<string, unknown> | null =>
  v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : null;

/** Binary metrics (evaluation/metrics.ts) at `path`, with `intervals` beside them when stored. */
function binaryBlock(metrics: Record<string, unknown>, path: string): MetricBlock | null {
  const m = obj(metrics[path]);
  if (!m) return null;
  const values = Object.fromEntries(BINARY_HEADLINES.filter((k) => k in m).map((k) => [k, num(m[k])]));
  const stored = obj(m.intervals) ?? obj(obj(metrics.intervals)?.[path]);
  let intervals: MetricBlock["intervals"] = null;
  let level: number | null = null;
  if (stored) {
    intervals = {};
    for (const [k, v] of Object.entries(stored)) {
      const i = obj(v);
      if (!i) continue;
      intervals[k] = { lo: num(i.lo), hi: num(i.hi) };
      level ??= num(i.level);
    }
  }
  return { source: `metrics.json ${path}`, values, intervals, level };
}

/** The synergy model's test headline: the reference scorer (the GNN) at the full history cut. */
function synergyTestBlock(metrics: Record<string, unknown>): MetricBlock | null {
  const test = obj(metrics.test);
  const cuts = Array.isArray(test?.cuts) ? (test.cuts as Record<string, unknown>[]) : [];
  const cut = cuts.at(-1);
  if (!test || !cut) return null;
  const reference = String(test.reference ?? "gnn");
  const scorers = Array.isArray(cut.scorers) ? (cut.scorers as Record<string, unknown>[]) : [];
  const s = scorers.find((x) => x.scorer === reference);
  if (!s) return null;
  const values: Record<string, number | null> = {
    homes: num(cut.homes),
    pairs: num(cut.pairs),
    positives: num(cut.positives),
    threshold: num(s.threshold),
  };
  const intervals: NonNullable<MetricBlock["intervals"]> = {};
  const summary = (key: string, name: string, mean: "mean" | "estimate") => {
    const m = obj(s[key]) ?? obj(obj(s.pooled)?.[key]);
    if (!m) return;
    values[name] = num(m[mean]);
    intervals[name] = { lo: num(m.lo), hi: num(m.hi) };
  };
  summary("averagePrecision", "average_precision", "mean");
  summary("rocAuc", "roc_auc", "mean");
  summary("precisionAtK", `precision_at_${test.k ?? 5}`, "mean");
  summary("hitsAtK", `hits_at_${test.k ?? 5}`, "mean");
  for (const k of ["precision", "recall", "f1"]) summary(k, `pooled_${k}`, "estimate");
  const history = cut.historyDays === null ? "full history" : `${cut.historyDays} d`;
  return {
    source: `metrics.json test.cuts[${history}] ${reference} (mean over test homes; pooled at the served threshold)`,
    values,
    intervals,
    level: num(test.level),
  };
}

/** Validation and test headline numbers of a version, by kind; null blocks where metrics.json has none. */
export function headlineMetrics(kind: string, metrics: Record<string, unknown>): HeadlineMetrics {
  return {
    validation: binaryBlock(metrics, "validation"),
    test: kind === SYNERGY_GNN_KIND.name ? synergyTestBlock(metrics) : binaryBlock(metrics, "test"),
  };
}

/** The router of a verified router version (router.json; no TensorFlow.js). */
export function readRouter(info: VersionInfo): FailureRouter {
  const where = `models/${info.name}/${info.version}/${ROUTER_FILE}`;
  return FailureRouter.fromJSON(JSON.parse(readFileSync(join(info.dir, ROUTER_FILE), "utf8")), where);
}

/** The exact versions a router serves, once each, in route order (the default route last). */
export function servedByRouter(router: FailureRouter): ServedModel[] {
  const seen = new Map<string, ServedModel>();
  for (const ref of router.references())
    seen.set(`${ref.name}@${ref.version}`, { name: ref.name, version: ref.version });
  return [...seen.values()];
}

/** When aliases.json was last written (the last move of any alias), ISO; null when unreadable. */
export function aliasesWrittenAt(registry: ModelRegistry, name: string): string | null {
  try {
    return statSync(join(registry.modelDir(name), ALIASES_FILE)).mtime.toISOString();
  } catch {
    return null;
  }
}
