import { HomeforgeError } from "../../core/errors.js";
import type { ModelReference } from "../registry/kinds.js";
import { ROUTING_METRIC, type RoutingDecision } from "./routing.js";

/** An exact registry version of a failure classifier (never an alias: aliases move). */
export interface ServedModel {
  name: string;
  version: string;
}

/**
 * How one route of a router version was chosen: the candidate this training run would serve
 * (per-type or global, by routing) against what the production router served for the same
 * home type, on that type's validation homes.
 */
export interface RoutePromotion {
  /** The candidate took the route ("candidate"), or what was served before kept it ("kept"). */
  outcome: "candidate" | "kept";
  candidate: ServedModel;
  /** What the production router served for this type when the run started (null: no router yet). */
  served_before: ServedModel | null;
  reason: string;
}

/** One home type's route: the model served, the routing decision and the promotion verdict behind it. */
export interface RouterRoute extends ServedModel {
  decision: RoutingDecision;
  promotion: RoutePromotion;
}

/** router.json: the served model per home type, and the default for home types it has not seen. */
export interface FailureRouterSpec {
  format: typeof ROUTER_FORMAT;
  format_version: 1;
  /** Registry names are `<prefix>-global`, `<prefix>-<home type>`, `<prefix>-router`. */
  prefix: string;
  seed: number;
  metric: typeof ROUTING_METRIC;
  /** Every decision in it read validation homes only. */
  split: "validation";
  /** The global model: served for home types with no route. */
  default: ServedModel & { promotion: RoutePromotion };
  /** Keyed by home type, sorted. */
  routes: Record<string, RouterRoute>;
}

export const ROUTER_FORMAT = "homeforge-failure-router";

/** The router's registry name for a model prefix (`failure` → `failure-router`). */
export function routerName(prefix: string): string {
  return `${prefix}-router`;
}
const VERSION = /^v[1-9][0-9]*$/;
const NAME = /^[a-z0-9][a-z0-9_.-]*$/i;

/**
 * The failure router: which exact classifier version scores the rows of each home type (the
 * per-type model where it won on the type's validation homes, else the global one), with
 * the decisions behind each route. A plain value, saved as router.json by the
 * failure_router registry kind (routerKind.ts); predictFailures serves through it.
 */
export class FailureRouter {
  readonly spec: Readonly<FailureRouterSpec>;

  constructor(spec: FailureRouterSpec) {
    const problem = routerSpecProblem(spec);
    if (problem)
      throw new HomeforgeError(
        "router",
        problem,
        "give it a format, prefix, default route and routes (see FailureRouterSpec)",
      );
    const routes = Object.fromEntries(Object.entries(spec.routes).sort(([a], [b]) => (a < b ? -1 : 1)));
    this.spec = Object.freeze({ ...spec, routes });
  }

  /** The home types with a route of their own, sorted. */
  get homeTypes(): string[] {
    return Object.keys(this.spec.routes);
  }

  /** The exact version served for rows of `homeType` (the default for a type without a route). */
  servedFor(homeType: string | null): ServedModel {
    const route =
      homeType !== null && Object.hasOwn(this.spec.routes, homeType) ? this.spec.routes[homeType] : null;
    const { name, version } = route ?? this.spec.default;
    return { name, version };
  }

  /** Every version it serves, once each, with what for (the registry checks they verify). */
  references(): ModelReference[] {
    const refs: ModelReference[] = [
      ...Object.entries(this.spec.routes).map(([type, r]) => ({
        name: r.name,
        version: r.version,
        role: `home type ${type}`,
      })),
      { name: this.spec.default.name, version: this.spec.default.version, role: "the default route" },
    ];
    return refs;
  }

  /** router.json's text: 2-space JSON and a newline, routes sorted by home type. */
  text(): string {
    return `${JSON.stringify(this.spec, null, 2)}\n`;
  }

  /** A router from router.json's parsed contents; a one-line error naming `field` if it is not one. */
  static fromJSON(raw: unknown, field = "router.json"): FailureRouter {
    const problem = routerSpecProblem(raw);
    if (problem) throw new HomeforgeError(field, problem, "restore the router version or train a new one");
    return new FailureRouter(raw as FailureRouterSpec);
  }
}

/** What is wrong with a parsed router.json (null: nothing). Structure only: the registry checks the versions exist. */
export function routerSpecProblem(raw: unknown): string | null {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) return "is not a JSON object";
  const r = raw as Partial<FailureRouterSpec>;
  if (r.format !== ROUTER_FORMAT || r.format_version !== 1)
    return `is not a ${ROUTER_FORMAT} file (format, format_version 1)`;
  if (typeof r.prefix !== "string" || !NAME.test(r.prefix)) return "has no valid prefix";
  if (r.metric !== ROUTING_METRIC || r.split !== "validation")
    return `must route on ${ROUTING_METRIC} over validation homes`;
  const served = (where: string, m: unknown): string | null => {
    const s = m as Partial<ServedModel> | null;
    if (!s || typeof s !== "object") return `${where} is not an object`;
    if (typeof s.name !== "string" || !NAME.test(s.name)) return `${where} names no valid model`;
    if (typeof s.version !== "string" || !VERSION.test(s.version))
      return `${where} must name an exact version (v1, v2 …), not ${JSON.stringify(s.version)}`;
    const p = (m as { promotion?: Partial<RoutePromotion> }).promotion;
    if (!p || (p.outcome !== "candidate" && p.outcome !== "kept") || typeof p.reason !== "string")
      return `${where} has no promotion verdict (outcome, reason)`;
    return null;
  };
  const bad = served("the default route", r.default);
  if (bad) return bad;
  if (!r.routes || typeof r.routes !== "object" || Array.isArray(r.routes)) return "has no routes object";
  for (const [type, route] of Object.entries(r.routes)) {
    const problem = served(`the route of ${type}`, route);
    if (problem) return problem;
    const d = (route as Partial<RouterRoute>).decision;
    if (!d || d.home_type !== type || (d.served !== "per_type" && d.served !== "global"))
      return `the route of ${type} has no routing decision for ${type}`;
  }
  return null;
}
