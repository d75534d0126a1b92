import { HomeforgeError } from "../../core/errors.js";
import { FAILURE_CLASSIFIER_KIND } from "../failure/failureKind.js";
import type { ServedModel } from "../failure/failureRouter.js";
import { FAILURE_ROUTER_KIND } from "../failure/routerKind.js";
import { ROUTING_METRIC } from "../failure/routing.js";
import { ModelRegistry } from "../registry/registry.js";
import type { AliasName, VersionInfo } from "../registry/types.js";
import { SYNERGY_GNN_KIND } from "../synergy/synergyGnnKind.js";
import {
  aliasesWrittenAt,
  type HeadlineMetrics,
  headlineMetrics,
  messageOf,
  productionVersions,
  readRouter,
  requireKnownModel,
  servedByRouter,
} from "./reportSupport.js";

/** One served version: what it is, its headline numbers, its inputs, when it changed. */
export interface ServedVersionStatus {
  name: string;
  version: string;
  kind: string;
  aliases: AliasName[];
  metrics: HeadlineMetrics;
  /** signature.inputs.features: the columns the model reads. */
  feature_columns: string[];
  dataset: { id: string | null; hash: string | null };
  last_updated: {
    /** meta.created_at: when the version was saved. */
    created_at: string;
    /** mtime of the model's aliases.json: the last time any of its aliases moved. */
    aliases_written_at: string | null;
  };
}

/** One home type's route through a router. */
export interface RouteStatus {
  home_type: string;
  served: ServedModel;
  /** Which of (per-type, global) routing chose, on the type's validation homes. */
  routing: "per_type" | "global";
  metric: typeof ROUTING_METRIC;
  split: "validation";
  validation_homes: number;
  /** The routing metric of both contenders on those homes (null: undefined there). */
  per_type: number | null;
  global: number | null;
  reason: string;
}

export interface RouterStatus {
  name: string;
  version: string;
  routes: RouteStatus[];
  /** Served for home types without a route. */
  default_route: ServedModel;
  last_updated: ServedVersionStatus["last_updated"];
  /** Every version the router serves, once each. */
  served: ServedVersionStatus[];
}

export interface ModelsStatusReport {
  format: "homeforge-models-status";
  format_version: 1;
  models_dir: string;
  /** Failure routers in production: the served classifier per home type. */
  routers: RouterStatus[];
  /** Synergy models in production. */
  synergy: ServedVersionStatus[];
  /** Failure classifiers in production that no reported router serves (or the one asked for). */
  classifiers: ServedVersionStatus[];
  /** Models with versions but no production alias. */
  without_production: string[];
  /** Damaged or unreadable models, one line each (`field: problem; fix`). */
  problems: string[];
}

const finite = (v: number | undefined | null) => (typeof v === "number" && Number.isFinite(v) ? v : null);

function servedVersionStatus(registry: ModelRegistry, info: VersionInfo): ServedVersionStatus {
  return {
    name: info.name,
    version: info.version,
    kind: info.meta.kind,
    aliases: info.aliases,
    metrics: headlineMetrics(info.meta.kind, info.metrics),
    feature_columns: [...(info.meta.signature?.inputs?.features ?? [])],
    dataset: { id: info.meta.dataset?.id ?? null, hash: info.meta.dataset?.hash ?? null },
    last_updated: {
      created_at: info.meta.created_at,
      aliases_written_at: aliasesWrittenAt(registry, info.name),
    },
  };
}

function routerStatus(registry: ModelRegistry, info: VersionInfo, problems: string[]): RouterStatus {
  const router = readRouter(info);
  const routes = Object.entries(router.spec.routes).map(
    ([type, r]): RouteStatus => ({
      home_type: type,
      served: { name: r.name, version: r.version },
      routing: r.decision.served,
      metric: r.decision.metric,
      split: r.decision.split,
      validation_homes: r.decision.validation.homes,
      per_type: finite(r.decision.validation.per_type?.[ROUTING_METRIC]),
      global: finite(r.decision.validation.global?.[ROUTING_METRIC]),
      reason: r.decision.reason,
    }),
  );
  const served: ServedVersionStatus[] = [];
  for (const s of servedByRouter(router)) {
    try {
      served.push(servedVersionStatus(registry, registry.show(s.name, s.version)));
    } catch (e) {
      problems.push(messageOf(e));
    }
  }
  return {
    name: info.name,
    version: info.version,
    routes,
    default_route: { name: router.spec.default.name, version: router.spec.default.version },
    last_updated: {
      created_at: info.meta.created_at,
      aliases_written_at: aliasesWrittenAt(registry, info.name),
    },
    served,
  };
}

/**
 * What is served: per failure router in production, the classifier version of each home type
 * (with the routing decision's metric) and the default route; every synergy model in
 * production; failure classifiers in production that no router serves. Each served version
 * with its headline validation and test metrics (intervals where metrics.json stores them),
 * feature columns and when it last changed. `name` narrows to one router, classifier or
 * synergy model. Reads JSON only (every version verified against its checksums); a damaged
 * model is a line in `problems`, not an exception.
 */
export function modelsStatus(modelsDir: string, name?: string): ModelsStatusReport {
  const registry = new ModelRegistry(modelsDir);
  if (name !== undefined) requireKnownModel(registry, name);
  const names = name !== undefined ? [name] : registry.names();
  const { versions, withoutProduction, problems } = productionVersions(registry, names);
  const report: ModelsStatusReport = {
    format: "homeforge-models-status",
    format_version: 1,
    models_dir: registry.root,
    routers: [],
    synergy: [],
    classifiers: [],
    without_production: withoutProduction,
    problems,
  };
  const classifiers: VersionInfo[] = [];
  for (const info of versions) {
    const kind = info.meta.kind;
    if (kind === FAILURE_ROUTER_KIND.name) report.routers.push(routerStatus(registry, info, problems));
    else if (kind === SYNERGY_GNN_KIND.name) report.synergy.push(servedVersionStatus(registry, info));
    else if (kind === FAILURE_CLASSIFIER_KIND.name) classifiers.push(info);
    else if (name !== undefined)
      throw new HomeforgeError(
        "model",
        `${name} is a ${kind} model, which status does not describe`,
        "name a failure router, failure classifier or synergy model",
      );
  }
  const routed = new Set(report.routers.flatMap((r) => r.served.map((s) => `${s.name}@${s.version}`)));
  report.classifiers = classifiers
    .filter((c) => !routed.has(`${c.name}@${c.version}`))
    .map((c) => servedVersionStatus(registry, c));
  return report;
}
