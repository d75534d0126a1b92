/**
 * The training-data collector: assembles one model's training set from a dataset through
 * quality filters with per-data-type thresholds, and reports (and prints) what each filter
 * dropped. Filters run in order; each sees the rows the previous ones kept.
 */
import { z } from "zod";
import type { ColumnData, ColumnTable } from "../../core/columnTable.js";
import { HomeforgeError } from "../../core/errors.js";
import { canonicalJson, sha256 } from "../../core/manifest.js";
import type { LineageStore } from "../lineage/lineageStore.js";
import { censoredMask } from "../storage/censoring.js";
import { type OpenDataset, openDataset } from "../storage/openDataset.js";
import { TELEMETRY_FEATURES } from "../storage/tables.js";
import { recordSourceTable } from "./trainingSetLineage.js";

const SHARE = "must be a share between 0 and 1";
const share = (d: number) =>
  z.number({ error: SHARE }).min(0, { error: SHARE }).max(1, { error: SHARE }).default(d);
const COUNT = "must be a whole number, 0 or more";
const count = (d: number) =>
  z.number({ error: COUNT }).int({ error: COUNT }).min(0, { error: COUNT }).default(d);

/** Quality thresholds per data type; every field has a default. */
export const collectorThresholdsSchema = z
  .object({
    telemetry: z
      .object({
        /** Drop a device-day when more than this share of its 11 features is missing. */
        maxMissingShare: share(0.5),
        /** Drop devices observed on fewer days. */
        minDaysPerDevice: count(7),
        /** Drop device-days with physically impossible values (negative times, battery > 100 %, …). */
        dropImpossible: z.boolean().default(true),
      })
      .strict()
      .default({ maxMissingShare: 0.5, minDaysPerDevice: 7, dropImpossible: true }),
    synergies: z
      .object({
        /** Drop homes with fewer candidate pairs. */
        minCandidatesPerHome: count(2),
        /** Drop homes with fewer planted links (no positives to learn from). */
        minLinkedPerHome: count(1),
      })
      .strict()
      .default({ minCandidatesPerHome: 2, minLinkedPerHome: 1 }),
    patterns: z
      .object({ minConfidence: share(0.1), minOccurrences: count(3) })
      .strict()
      .default({ minConfidence: 0.1, minOccurrences: 3 }),
    events: z
      .object({
        /** Drop exact repeats (same entity, time and state), e.g. injected duplicate faults. */
        dropDuplicates: z.boolean().default(true),
        /** Drop devices with fewer events. */
        minEventsPerDevice: count(5),
      })
      .strict()
      .default({ dropDuplicates: true, minEventsPerDevice: 5 }),
  })
  .strict();

export type CollectorThresholdsInput = z.input<typeof collectorThresholdsSchema>;
export type CollectorThresholds = z.output<typeof collectorThresholdsSchema>;

export function parseCollectorThresholds(input: unknown = {}, source = "thresholds"): CollectorThresholds {
  const r = collectorThresholdsSchema.safeParse(input ?? {});
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const path = [source, ...issue.path.map(String)];
  if (issue.code === "unrecognized_keys") path.push((issue as { keys: string[] }).keys[0]);
  throw new HomeforgeError(
    path.join("."),
    issue.code === "unrecognized_keys" ? "unknown threshold" : issue.message,
    "see the defaults in collectorThresholdsSchema (lib/pipeline/analysis/collector.ts)",
  );
}

/** Training sets, by the model that uses them, and the dataset table each is built from. */
export const TRAINING_SETS = {
  failure: "telemetry",
  synergy: "synergies",
  patterns: "patterns",
  events: "events",
} as const;
export type TrainingSetKind = keyof typeof TRAINING_SETS;

export interface FilterReport {
  filter: string;
  rowsIn: number;
  rowsOut: number;
  dropped: number;
}

export interface TrainingSet {
  kind: TrainingSetKind;
  datasetId: string;
  /** The dataset table it was built from, and how many rows were read of it (before the filters). */
  source: (typeof TRAINING_SETS)[TrainingSetKind];
  rowsRead: number;
  table: ColumnTable;
  filters: FilterReport[];
  /** Content id of the set: dataset, kind and thresholds. */
  id: string;
}

export interface CollectOptions {
  thresholds?: CollectorThresholdsInput;
  /** Where filter lines go; default console.log. Pass () => {} for silence. */
  log?: (line: string) => void;
  lineage?: LineageStore | null;
  /**
   * Check each file read against its manifest sha256 (default true); `false` reads damaged
   * files anyway (`--no-verify`), and lineage then records no hash for the dataset. Ignored
   * when an opened dataset is passed: it verifies as it was opened.
   */
  verify?: boolean;
}

/** Keeps rows where `keep[i]` is 1. */
export function filterRows(table: ColumnTable, keep: Uint8Array): ColumnTable {
  let n = 0;
  for (let i = 0; i < table.rows; i++) n += keep[i];
  const columns: Record<string, ColumnData> = {};
  for (const spec of table.schema.columns) {
    const data = table.columns[spec.name];
    if (ArrayBuffer.isView(data)) {
      const Ctor = (data as Float64Array).constructor as new (n: number) => Float64Array;
      const out = new Ctor(n);
      let j = 0;
      for (let i = 0; i < table.rows; i++) if (keep[i]) out[j++] = (data as Float64Array)[i];
      columns[spec.name] = out;
    } else {
      columns[spec.name] = (data as unknown[]).filter((_, i) => keep[i] === 1) as ColumnData;
    }
  }
  return { schema: table.schema, rows: n, columns };
}

type Filter = { name: string; keep: (t: ColumnTable) => Uint8Array };

/** Keeps the rows of groups (by key columns) whose size passes `ok`. */
function groupFilter(
  keyOf: (t: ColumnTable, i: number) => string,
  ok: (rows: number[], t: ColumnTable) => boolean,
) {
  return (t: ColumnTable) => {
    const groups = new Map<string, number[]>();
    for (let i = 0; i < t.rows; i++) {
      const k = keyOf(t, i);
      const g = groups.get(k);
      if (g) g.push(i);
      else groups.set(k, [i]);
    }
    const keep = new Uint8Array(t.rows);
    for (const rows of groups.values()) if (ok(rows, t)) for (const i of rows) keep[i] = 1;
    return keep;
  };
}

const deviceOf = (t: ColumnTable, i: number) => `${t.columns.home_id[i]}\u0000${t.columns.entity_id[i]}`;
const homeOf = (t: ColumnTable, i: number) => String(t.columns.home_id[i]);

function rowMask(t: ColumnTable, pass: (i: number) => boolean): Uint8Array {
  const keep = new Uint8Array(t.rows);
  for (let i = 0; i < t.rows; i++) keep[i] = pass(i) ? 1 : 0;
  return keep;
}

/** Plausible ranges of telemetry features; NaN (missing) always passes. */
const FEATURE_RANGES: Partial<Record<(typeof TELEMETRY_FEATURES)[number], [number, number]>> = {
  response_time: [0, Number.POSITIVE_INFINITY],
  error_rate: [0, 1],
  battery_level: [0, 100],
  signal_strength: [-150, 0],
  humidity: [0, 100],
  uptime_hours: [0, Number.POSITIVE_INFINITY],
  restart_count: [0, Number.POSITIVE_INFINITY],
  connection_drops: [0, Number.POSITIVE_INFINITY],
  data_transfer_rate: [0, Number.POSITIVE_INFINITY],
  usage_frequency: [0, Number.POSITIVE_INFINITY],
};

function filtersFor(kind: TrainingSetKind, th: CollectorThresholds): Filter[] {
  switch (kind) {
    case "failure": {
      const t = th.telemetry;
      const filters: Filter[] = [
        {
          name: `device-days with more than ${pct(t.maxMissingShare)} of features missing`,
          keep: (tab) => {
            const cols = TELEMETRY_FEATURES.map((f) => tab.columns[f] as Float64Array);
            return rowMask(tab, (i) => {
              let missing = 0;
              for (const c of cols) if (Number.isNaN(c[i])) missing++;
              return missing / cols.length <= t.maxMissingShare;
            });
          },
        },
      ];
      if (t.dropImpossible) {
        filters.push({
          name: "device-days with impossible values (negative counts or times, battery or humidity outside 0–100 %, error rate outside 0–1)",
          keep: (tab) => {
            const checks = Object.entries(FEATURE_RANGES).map(
              ([f, range]) => [tab.columns[f] as Float64Array, range!] as const,
            );
            return rowMask(tab, (i) =>
              checks.every(([c, [lo, hi]]) => Number.isNaN(c[i]) || (c[i] >= lo && c[i] <= hi)),
            );
          },
        });
      }
      filters.push({
        name: `devices observed on fewer than ${t.minDaysPerDevice} days`,
        keep: groupFilter(deviceOf, (rows) => rows.length >= t.minDaysPerDevice),
      });
      // last, and not a quality filter: a censored row's fails_within_7d = 0 is unknown (DESIGN.md §4)
      filters.push({
        name: "censored device-days (the 7-day label window reaches past the horizon's last day with no failure observed)",
        keep: (tab) => censoredMask(tab).map((c) => 1 - c),
      });
      return filters;
    }
    case "synergy": {
      const s = th.synergies;
      return [
        {
          name: `homes with fewer than ${s.minCandidatesPerHome} candidate pairs`,
          keep: groupFilter(homeOf, (rows) => rows.length >= s.minCandidatesPerHome),
        },
        {
          name: `homes with fewer than ${s.minLinkedPerHome} planted links`,
          keep: groupFilter(homeOf, (rows, tab) => {
            const linked = tab.columns.linked as Uint8Array;
            return rows.reduce((n, i) => n + linked[i], 0) >= s.minLinkedPerHome;
          }),
        },
      ];
    }
    case "patterns": {
      const p = th.patterns;
      return [
        {
          name: `patterns with confidence below ${p.minConfidence}`,
          keep: (tab) => rowMask(tab, (i) => (tab.columns.confidence as Float64Array)[i] >= p.minConfidence),
        },
        {
          name: `patterns seen fewer than ${p.minOccurrences} times`,
          keep: (tab) => rowMask(tab, (i) => (tab.columns.occurrences as Int32Array)[i] >= p.minOccurrences),
        },
      ];
    }
    case "events": {
      const e = th.events;
      const filters: Filter[] = [];
      if (e.dropDuplicates) {
        filters.push({
          name: "duplicate events (same entity, time and state)",
          keep: (tab) => {
            const seen = new Set<string>();
            const time = tab.columns.time as Float64Array;
            return rowMask(tab, (i) => {
              const k = `${deviceOf(tab, i)}\u0000${time[i]}\u0000${tab.columns.state[i]}`;
              if (seen.has(k)) return false;
              seen.add(k);
              return true;
            });
          },
        });
      }
      filters.push({
        name: `devices with fewer than ${e.minEventsPerDevice} events`,
        keep: groupFilter(deviceOf, (rows) => rows.length >= e.minEventsPerDevice),
      });
      return filters;
    }
  }
}

function pct(x: number): string {
  return `${Math.round(x * 100)} %`;
}

/**
 * Builds the training set `kind` from a dataset (directory or opened) through the quality
 * filters, printing one line per filter with what it dropped.
 */
export async function collectTrainingData(
  dataset: string | OpenDataset,
  kind: TrainingSetKind,
  options: CollectOptions = {},
): Promise<TrainingSet> {
  if (!(kind in TRAINING_SETS)) {
    throw new HomeforgeError(
      "--for",
      `"${kind}" is not a training set`,
      `use one of ${Object.keys(TRAINING_SETS).join(", ")}`,
    );
  }
  const thresholds = parseCollectorThresholds(options.thresholds);
  const log = options.log ?? ((line: string) => console.log(line));
  const ds =
    typeof dataset === "string" ? openDataset(dataset, "--dataset", { verify: options.verify }) : dataset;
  const source = TRAINING_SETS[kind];
  let table = await ds.table(source);
  const rowsRead = table.rows;
  const datasetId = ds.manifest.dataset_id;
  const id = `training_set:${datasetId}/${kind}/${sha256(canonicalJson(thresholds)).slice(0, 12)}`;
  const filters: FilterReport[] = [];
  log(`collect ${kind}: ${table.rows} ${source} rows from ${datasetId}`);
  for (const filter of filtersFor(kind, thresholds)) {
    const rowsIn = table.rows;
    table = filterRows(table, filter.keep(table));
    const report = { filter: filter.name, rowsIn, rowsOut: table.rows, dropped: rowsIn - table.rows };
    filters.push(report);
    log(`  dropped ${report.dropped} of ${rowsIn} rows: ${filter.name}`);
  }
  log(`  kept ${table.rows} rows`);
  const lineage = options.lineage;
  if (lineage) {
    const params = { dataset: datasetId, kind, thresholds, ...(ds.verify ? {} : { verify: false }) };
    const runId = lineage.startRun("collect", params);
    // the hash of what was read and verified; none for an unverified read
    lineage.recordInput(runId, { id: datasetId, kind: "dataset", uri: ds.dir, sha256: ds.lineageSha256 });
    lineage.recordOutput(runId, { id, kind: "training_set" });
    recordSourceTable(lineage, runId, { ds, source, rowsRead, kept: table, setId: id });
    for (const f of filters) {
      lineage.recordTransformation(runId, {
        name: `filter: ${f.filter}`,
        input: `${datasetId}/${source}`,
        output: id,
        rowsIn: f.rowsIn,
        rowsOut: f.rowsOut,
      });
    }
    lineage.completeRun(runId);
  }
  return { kind, datasetId, source, rowsRead, table, filters, id };
}
