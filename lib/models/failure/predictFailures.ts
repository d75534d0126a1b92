import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { ColumnSpec, ColumnTable, TableSchema } from "../../core/columnTable.js";
import { HomeforgeError } from "../../core/errors.js";
import { CENSORED_COLUMN, censoredMask } from "../../pipeline/storage/censoring.js";
import { TELEMETRY_SCHEMA } from "../../pipeline/storage/tables.js";
import { parseModelRef } from "../registry/modelRef.js";
import { ModelRegistry } from "../registry/registry.js";
import { presentColumns, selectRows, type TelemetryInput, toColumnTable } from "../tableInput.js";
import type { FailureClassifier } from "./failureClassifier.js";
import { FAILURE_CLASSIFIER_KIND } from "./failureKind.js";
import { type FailureRouter, routerName, type ServedModel } from "./failureRouter.js";
import { FAILURE_ROUTER_KIND } from "./routerKind.js";

export { parseModelRef };

export interface PredictFailuresOptions {
  /** Registry root. */
  modelsDir: string;
  /**
   * `NAME[@REF]` (REF: production, candidate, v3 or 3; default production): a failure router
   * (each home type to the model it serves) or a failure classifier (every row to it).
   * Default `<prefix>-router@production`.
   */
  model?: string;
  /** Prefix of the default router's name (default "failure"). */
  modelPrefix?: string;
  /** How errors name the model option (default "model"). */
  field?: string;
}

export interface FailurePredictions {
  /** One row per input row, in input order (PREDICTIONS_SCHEMA, + censored when the input has it). */
  table: ColumnTable;
  /** What was asked for, resolved: the router or classifier version. */
  model: ServedModel & { kind: string };
  /** Rows scored by each served version, in the order first served. */
  served: (ServedModel & { rows: number })[];
  homes: number;
}

const key = (name: string, description: string): ColumnSpec => ({
  name,
  type: "string",
  role: "key",
  description,
});

/** The columns predictFailures returns (and `homeforge predict` writes). */
export const PREDICTIONS_SCHEMA: TableSchema = {
  name: "failure_predictions",
  columns: [
    key("home_id", "joins the telemetry table on (home_id, entity_id, day)"),
    key("entity_id", "Home Assistant entity_id"),
    { name: "day", type: "date", role: "key", description: "local calendar day" },
    {
      name: "split",
      type: "string",
      role: "attribute",
      description: "the home's split in the served model's split.json: train, validation, test, or unseen",
    },
    {
      name: "probability",
      type: "float64",
      role: "feature",
      description: "probability that the device fails within 7 days, from the served model",
    },
    {
      name: "served_model",
      type: "string",
      role: "attribute",
      description: "registry name of the served model",
    },
    {
      name: "served_version",
      type: "string",
      role: "attribute",
      description: "its exact version (v1, v2 …)",
    },
  ],
};

const CENSORED_SPEC: ColumnSpec = {
  name: CENSORED_COLUMN,
  type: "bool",
  role: "label",
  description: "passed through from telemetry: the row's label window reaches past the horizon",
};

/**
 * The verified version `options.model` names (default `<prefix>-router@production`), and its
 * kind: a failure router or classifier. One-line errors for a bad reference, an unknown
 * model or version, a damaged version or another kind. Cheap (no TensorFlow.js): callers
 * check it before reading data.
 */
export function resolvePredictionModel(options: PredictFailuresOptions): ServedModel & { kind: string } {
  const field = options.field ?? "model";
  const { name, ref } = parseModelRef(options.model ?? routerName(options.modelPrefix ?? "failure"), field);
  const asked = new ModelRegistry(options.modelsDir).show(name, ref);
  const kind = asked.meta.kind;
  if (kind !== FAILURE_ROUTER_KIND.name && kind !== FAILURE_CLASSIFIER_KIND.name) {
    throw new HomeforgeError(
      field,
      `${name} ${asked.version} is a ${kind} model, not a failure router or classifier`,
      `pass a failure router (e.g. ${routerName("failure")}) or classifier (e.g. failure-global)`,
    );
  }
  return { name, version: asked.version, kind };
}

/**
 * Scores telemetry with the served failure models: one row per input row (censored rows
 * too: scoring needs no label), routed per home type through `<prefix>-router@production`
 * unless `model` names another router or one classifier. Every version used is verified
 * on load, a router's served versions included. Deterministic: no randomness.
 */
export async function predictFailures(
  data: TelemetryInput,
  options: PredictFailuresOptions,
): Promise<FailurePredictions> {
  const asked = resolvePredictionModel(options);
  const { name, kind } = asked;
  const registry = new ModelRegistry(options.modelsDir);
  const table = toColumnTable(data, TELEMETRY_SCHEMA, { labelOptional: true });
  let serve: (homeType: string | null) => ServedModel = () => ({ name, version: asked.version });
  if (kind === FAILURE_ROUTER_KIND.name) {
    const router = (await registry.load<FailureRouter>(name, asked.version, FAILURE_ROUTER_KIND)).model;
    serve = (t) => router.servedFor(t);
  }

  // rows grouped by the version that serves them (a home's rows all go to one model)
  const homeTypes = table.columns.home_type as (string | null)[];
  const groups = new Map<string, { served: ServedModel; rows: number[] }>();
  const servedByType = new Map<string | null, ServedModel>();
  for (let i = 0; i < table.rows; i++) {
    const t = homeTypes[i];
    let served = servedByType.get(t);
    if (!served) {
      served = serve(t);
      servedByType.set(t, served);
    }
    const k = `${served.name}@${served.version}`;
    const group = groups.get(k) ?? { served, rows: [] };
    group.rows.push(i);
    groups.set(k, group);
  }

  const homeIds = table.columns.home_id as (string | null)[];
  const probability = new Float64Array(table.rows);
  const split: (string | null)[] = new Array(table.rows);
  const servedModel: (string | null)[] = new Array(table.rows);
  const servedVersion: (string | null)[] = new Array(table.rows);
  for (const { served, rows } of groups.values()) {
    const loaded = await registry.load<FailureClassifier>(
      served.name,
      served.version,
      FAILURE_CLASSIFIER_KIND,
    );
    try {
      // features are built on the served rows only: windows look back within a device, and
      // every row of a home is in one group
      const p = loaded.model.predictProba(selectRows(table, rows));
      const splitOf = splitOfHomes(loaded.dir);
      rows.forEach((i, j) => {
        probability[i] = p[j];
        split[i] = splitOf.get(homeIds[i] ?? "") ?? "unseen";
        servedModel[i] = served.name;
        servedVersion[i] = served.version;
      });
    } finally {
      loaded.model.dispose();
    }
  }

  const columns: ColumnTable["columns"] = {
    home_id: homeIds,
    entity_id: table.columns.entity_id,
    day: table.columns.day,
    split,
    probability,
    served_model: servedModel,
    served_version: servedVersion,
  };
  const hasCensored = presentColumns(data).has(CENSORED_COLUMN);
  if (hasCensored) columns[CENSORED_COLUMN] = censoredMask(table);
  const schema: TableSchema = {
    ...PREDICTIONS_SCHEMA,
    columns: hasCensored ? [...PREDICTIONS_SCHEMA.columns, CENSORED_SPEC] : PREDICTIONS_SCHEMA.columns,
  };
  return {
    table: { schema, rows: table.rows, columns },
    model: asked,
    served: [...groups.values()].map((g) => ({ ...g.served, rows: g.rows.length })),
    homes: new Set(homeIds).size,
  };
}

/** The split of each home in a version's split.json (empty without one: every home is unseen). */
export function splitOfHomes(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  let homes: Record<string, unknown> = {};
  try {
    homes = JSON.parse(readFileSync(join(dir, "split.json"), "utf8")).homes ?? {};
  } catch {
    return out;
  }
  for (const [name, list] of Object.entries(homes))
    if (Array.isArray(list)) for (const h of list) if (typeof h === "string") out.set(h, name);
  return out;
}
