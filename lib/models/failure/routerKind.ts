import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { defineModelKind, type KindProblem } from "../registry/kinds.js";
import type { ModelMeta } from "../registry/types.js";
import { FailureRouter, routerSpecProblem } from "./failureRouter.js";

export const ROUTER_FILE = "router.json";

function readRouterJson(dir: string): unknown {
  return JSON.parse(readFileSync(join(dir, ROUTER_FILE), "utf8"));
}

/**
 * The failure router's registry kind: one file, router.json (no weights). A version names
 * the exact classifier versions it serves; the registry checks they exist and verify on
 * every load (`references`), and will not delete one a router names.
 */
export const FAILURE_ROUTER_KIND = defineModelKind<FailureRouter>({
  name: "failure_router",
  label: "failure router",
  files: [ROUTER_FILE],
  async save(router, dir) {
    writeFileSync(join(dir, ROUTER_FILE), router.text());
  },
  load: async (dir, meta) =>
    FailureRouter.fromJSON(readRouterJson(dir), `models/${meta.name}/${meta.version}/${ROUTER_FILE}`),
  describe: (router) => ({
    signature: {
      inputs: { name: "home_type", dtype: "string", shape: [null], features: ["home_type"] },
      outputs: {
        name: "served_model",
        dtype: "string",
        shape: [null],
        description: "the exact failure classifier version that scores rows of this home type",
      },
    },
    seed: router.spec.seed,
    params: { prefix: router.spec.prefix, metric: router.spec.metric, split: router.spec.split },
    backend: "none",
    training: { routes: router.homeTypes.length },
  }),
  card: failureRouterCard,
  check(dir): KindProblem[] {
    let raw: unknown;
    try {
      raw = readRouterJson(dir);
    } catch {
      return [{ file: ROUTER_FILE, problem: "is not valid JSON" }];
    }
    const problem = routerSpecProblem(raw);
    return problem ? [{ file: ROUTER_FILE, problem }] : [];
  },
  references: (dir) => FailureRouter.fromJSON(readRouterJson(dir)).references(),
});

const fmt = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v.toFixed(3) : "n/a");

/** One row of a router version's metrics.json `routes` (what its card tabulates). */
export interface RouteSummary {
  home_type: string;
  served: string;
  routing: "per_type" | "global" | "default";
  validation_homes: number;
  per_type_pr_auc: number | null;
  global_pr_auc: number | null;
  /** The served model's PR-AUC on the type's validation homes. */
  served_pr_auc: number | null;
  outcome: "candidate" | "kept";
  reason: string;
}

/** card.md for a router version: what it serves for each home type, and why. */
export function failureRouterCard(meta: ModelMeta, metrics: Record<string, unknown>): string {
  const params = meta.params as { prefix?: string };
  const routes = (Array.isArray(metrics.routes) ? metrics.routes : []) as RouteSummary[];
  const cell = (s: string) => s.replaceAll("|", "\\|");
  const rows = routes
    .map(
      (r) =>
        `| ${r.home_type} | ${r.served} | ${r.routing.replace("_", "-")} | ${r.validation_homes} | ${fmt(r.per_type_pr_auc)} | ${fmt(r.global_pr_auc)} | ${fmt(r.served_pr_auc)} | ${r.outcome} | ${cell(r.reason)} |`,
    )
    .join("\n");
  return `# ${meta.name} ${meta.version}

Failure router: which failure classifier version scores the telemetry of each home type.
\`homeforge predict\` serves through the production version; a home type it has no route
for gets the default route (the global model). Routes name exact versions
(${params.prefix ?? "failure"}-<model> vN), never aliases.

## How each route was chosen (validation homes only)
- routing: of the type's per-type model and the global model, the one with the higher
  PR-AUC on the type's validation homes (ties, and types without failing validation
  device-days, go to the global model);
- promotion: that candidate against what the production router served for the type, on
  the same validation homes, with the promotion policy; a candidate that does not pass
  leaves the route as it was ("kept").
Test homes decide nothing here.

## Routes
| home type | served | routing | validation homes | per-type PR-AUC | global PR-AUC | served PR-AUC | outcome | reason |
|---|---|---|---|---|---|---|---|---|
${rows}
`;
}
