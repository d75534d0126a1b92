/**
 * A small model registry for the service's tests and its benchmark, built in seconds: tiny
 * failure classifiers (two epochs) trained directly, two hand-made router versions, and a
 * synergy GNN fitted on graphs of the hand-countable home. Not models worth serving — the
 * service's behaviour (routing, versions, swaps) is what the tests read.
 *
 * - failure-global v1 (seed 1) and v2 (seed 2); failure-apartment v1 (seed 3);
 * - failure-router v1 (production): apartment → failure-apartment v1, default failure-global v1;
 *   failure-router v2 (candidate, not promoted): apartment → failure-apartment v1, default
 *   failure-global v2;
 * - synergy-gnn v1 (production).
 */
import type { ColumnTable } from "../../lib/core/columnTable.js";
import { FailureClassifier } from "../../lib/models/failure/failureClassifier.js";
import { FAILURE_CLASSIFIER_KIND } from "../../lib/models/failure/failureKind.js";
import {
  FailureRouter,
  type FailureRouterSpec,
  type ServedModel,
} from "../../lib/models/failure/failureRouter.js";
import { FAILURE_ROUTER_KIND } from "../../lib/models/failure/routerKind.js";
import { ModelRegistry } from "../../lib/models/registry/registry.js";
import { homeSynergyGraph } from "../../lib/models/synergy/homeSynergyGraph.js";
import { SynergyGnn } from "../../lib/models/synergy/synergyGnn.js";
import { SYNERGY_GNN_KIND } from "../../lib/models/synergy/synergyGnnKind.js";
import type { SynergyHomeData } from "../../lib/models/synergy/synergyHome.js";
import type { SynergyGraph } from "../../lib/models/synergy/synergyTypes.js";
import { TELEMETRY_FEATURES } from "../../lib/pipeline/storage/tables.js";
import { DEVICE_COLUMNS } from "../../lib/serving/schemas.js";
import { handHome } from "../models/synergy/handHome.js";
import { makeTelemetryFixture } from "./telemetryFixture.js";

export const SERVING_TYPES = ["single_family_house", "apartment"] as const;
const NO_DATA = { dataset: { id: null, hash: null }, metrics: {} };

export interface ServingRegistry {
  modelsDir: string;
  /** The telemetry the classifiers were trained on (rows of several devices, both home types). */
  telemetry: ColumnTable;
}

export function servingTelemetry(): ColumnTable {
  return makeTelemetryFixture({ seed: 31, homes: 16, days: 20, devicesPerHome: 4, homeTypes: SERVING_TYPES });
}

async function fitClassifier(data: ColumnTable, seed: number): Promise<FailureClassifier> {
  return new FailureClassifier({ epochs: 2, seed, batchSize: 128 }).fit(data);
}

/** A router spec: `apartment` routed to `apartment`, every other type to `fallback`. */
export function routerSpec(fallback: ServedModel, apartment: ServedModel): FailureRouterSpec {
  const promotion = {
    outcome: "candidate" as const,
    candidate: fallback,
    served_before: null,
    reason: "test fixture",
  };
  const validation = { homes: 0, per_type: null, global: {} as never };
  return {
    format: "homeforge-failure-router",
    format_version: 1,
    prefix: "failure",
    seed: 0,
    metric: "pr_auc",
    split: "validation",
    default: { ...fallback, promotion },
    routes: {
      apartment: {
        ...apartment,
        decision: {
          home_type: "apartment",
          served: "per_type",
          metric: "pr_auc",
          split: "validation",
          validation,
          reason: "test fixture",
        },
        promotion: { ...promotion, candidate: apartment },
      },
    },
  };
}

/** The hand home's graphs with made-up labels (the first pair linked): enough to fit a tiny GNN. */
export function handGraphs(): SynergyGraph[] {
  return [1, 2, 3, 5, null].map((cut) => {
    const g = homeSynergyGraph(handHome(), cut);
    const labels = Uint8Array.from({ length: g.pairCount }, (_, p) => (p % 3 === 0 ? 1 : 0));
    return { ...g, labels };
  });
}

export async function buildServingRegistry(modelsDir: string): Promise<ServingRegistry> {
  const registry = new ModelRegistry(modelsDir);
  const telemetry = servingTelemetry();
  for (const [name, seed] of [
    ["failure-global", 1],
    ["failure-global", 2],
    ["failure-apartment", 3],
  ] as const) {
    const model = await fitClassifier(telemetry, seed);
    await registry.saveModel(name, FAILURE_CLASSIFIER_KIND, model, NO_DATA);
    model.dispose();
  }
  await registry.promote("failure-global", "v1");
  await registry.promote("failure-apartment", "v1");
  const apartment = { name: "failure-apartment", version: "v1" };
  for (const fallback of ["v1", "v2"]) {
    const router = new FailureRouter(routerSpec({ name: "failure-global", version: fallback }, apartment));
    await registry.saveModel("failure-router", FAILURE_ROUTER_KIND, router, NO_DATA);
  }
  await registry.promote("failure-router", "v1");

  const graphs = handGraphs();
  const gnn = await new SynergyGnn({ hidden: 8, layers: 1, epochs: 3, seed: 4 }).fit(graphs.slice(0, 3), {
    validation: graphs.slice(3),
  });
  await registry.saveModel("synergy-gnn", SYNERGY_GNN_KIND, gnn, NO_DATA);
  await registry.promote("synergy-gnn", "v1");
  gnn.dispose();
  return { modelsDir, telemetry };
}

const LABEL_COLUMNS = new Set(["fails_within_7d", "censored", "days_to_failure", "failure_scenario"]);

/** Row indices of each device (home_id, entity_id) of a telemetry table, devices in first-seen order. */
export function deviceRows(table: ColumnTable): number[][] {
  const home = table.columns.home_id as string[];
  const entity = table.columns.entity_id as string[];
  const byDevice = new Map<string, number[]>();
  for (let i = 0; i < table.rows; i++) {
    const key = `${home[i]}\u0000${entity[i]}`;
    const list = byDevice.get(key) ?? [];
    list.push(i);
    byDevice.set(key, list);
  }
  return [...byDevice.values()];
}

/** Rows of a telemetry table as the service's JSON rows (day as YYYY-MM-DD, NaN as null, labels left out). */
export function requestRows(table: ColumnTable, rows: readonly number[]): Record<string, unknown>[] {
  const names = table.schema.columns.map((c) => c.name).filter((n) => !LABEL_COLUMNS.has(n));
  return rows.map((i) => {
    const out: Record<string, unknown> = {};
    for (const name of names) {
      let v = (table.columns[name] as ArrayLike<unknown>)[i];
      if (name === "day") v = new Date((v as number) * 86_400_000).toISOString().slice(0, 10);
      if (typeof v === "number" && Number.isNaN(v)) v = null;
      out[name] = v;
    }
    return out;
  });
}

/** The same rows as one device's columnar `history` body (the device's fields once, a list per feature). */
export function requestHistory(table: ColumnTable, rows: readonly number[]): Record<string, unknown> {
  const asRows = requestRows(table, rows);
  const { day: _day, ...first } = asRows[0];
  const device = Object.fromEntries(DEVICE_COLUMNS.map((k) => [k, first[k]]));
  return {
    device,
    days: asRows.map((r) => r.day),
    features: Object.fromEntries(TELEMETRY_FEATURES.map((f) => [f, asRows.map((r) => r[f])])),
  };
}

/** A home as the synergy route's JSON body: events' typed columns as arrays, NaN as null, no truth. */
export function synergyRequestBody(home: SynergyHomeData): Record<string, unknown> {
  const { truth: _truth, events, ...rest } = home;
  return {
    ...rest,
    events: {
      entityId: [...events.entityId],
      time: Array.from(events.time),
      state: [...events.state],
      value: Array.from(events.value, (v) => (v === null || Number.isNaN(v) ? null : v)),
    },
  };
}
