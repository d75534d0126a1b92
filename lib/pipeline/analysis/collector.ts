/**
 * The training-data collector: assembles one model's training set from a dataset through
 * quality filters with per-data-type thresholds, and reports (and prints) what each filter
 * dropped. Filters run in order; each sees the rows the previous ones kept. Most sets are one
 * dataset table filtered; suggestions, automations and qa are built from several tables
 * (derivedSets.ts) and then filtered the same way.
 */
import { z } from "zod";
import type { ColumnTable } from "../../core/columnTable.js";
import { HomeforgeError } from "../../core/errors.js";
import { canonicalJson, sha256 } from "../../core/manifest.js";
import { datasetSeed } from "../exports/spec.js";
import type { LineageStore } from "../lineage/lineageStore.js";
import { censoredMask } from "../storage/censoring.js";
import { type OpenDataset, openDataset } from "../storage/openDataset.js";
import { type TableName, TELEMETRY_FEATURES } from "../storage/tables.js";
import { automationSet, automationThresholdsSchema } from "./automationSet.js";
import { count, type Filter, filterRows, firstOfEachKey, rowMask, share } from "./collectFilters.js";
import { type DerivedSet, type SourceTables, usedRows } from "./derivedSets.js";
import { qaSet, qaThresholdsSchema } from "./qaSet.js";
import { suggestionSet, suggestionThresholdsSchema } from "./suggestionSet.js";
import { recordSourceTable, sourceTableSummary } from "./trainingSetLineage.js";

export { filterRows } from "./collectFilters.js";

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
    suggestions: suggestionThresholdsSchema.prefault({}),
    automations: automationThresholdsSchema.prefault({}),
    qa: qaThresholdsSchema.prefault({}),
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

/** The sets built from several tables, and their thresholds' section. */
const DERIVED_SETS = {
  suggestions: suggestionSet,
  automations: automationSet,
  qa: qaSet,
} satisfies { [K in keyof CollectorThresholds]?: DerivedSet<CollectorThresholds[K]> };

/**
 * Training sets, by the model (or use) they are for, and the dataset tables each is built
 * from: one table filtered, or several (suggestions, automations, qa).
 */
export const TRAINING_SETS = {
  failure: "telemetry",
  synergy: "synergies",
  patterns: "patterns",
  events: "events",
  suggestions: DERIVED_SETS.suggestions.tables.join(", "),
  automations: DERIVED_SETS.automations.tables.join(", "),
  qa: DERIVED_SETS.qa.tables.join(", "),
} as const;
export type TrainingSetKind = keyof typeof TRAINING_SETS;
type DerivedKind = keyof typeof DERIVED_SETS;

const isDerived = (kind: TrainingSetKind): kind is DerivedKind => Object.hasOwn(DERIVED_SETS, kind);

/** How a set's label is named, and its values 0 and 1; null with a reason for sets without one. */
export function trainingSetLabel(
  kind: TrainingSetKind,
): { column: string; names: [string, string] } | { column: null; reason: string } {
  if (isDerived(kind)) {
    const set: DerivedSet<unknown> = DERIVED_SETS[kind] as DerivedSet<never>;
    return set.label ?? { column: null, reason: set.noLabel ?? "no label" };
  }
  if (kind === "failure") return { column: "fails_within_7d", names: ["0", "1"] };
  if (kind === "synergy") return { column: "linked", names: ["not linked", "linked"] };
  return { column: null, reason: `no label: ${kind} rows are unlabelled` };
}

export interface FilterReport {
  filter: string;
  rowsIn: number;
  rowsOut: number;
  dropped: number;
}

/** A dataset table a set was built from: rows read, rows behind the kept rows, what those hold. */
export interface SourceTable {
  table: TableName;
  rowsRead: number;
  rowsUsed: number;
  /** Counts of what the used rows hold (planted synergies, pattern kinds …), as lineage records it. */
  summary: Record<string, unknown>;
}

export interface TrainingSet {
  kind: TrainingSetKind;
  datasetId: string;
  /** The dataset tables it was built from, comma-separated. */
  source: string;
  sources: SourceTable[];
  /** Rows the filters saw: the table's rows, or the candidate rows built from several tables. */
  rowsRead: number;
  table: ColumnTable;
  filters: FilterReport[];
  /** Content id of the set: dataset, kind and thresholds. */
  id: string;
  /** What the kept rows hold (homes, devices, planted synergies, question kinds …). */
  kept: Record<string, unknown>;
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

function filtersFor(kind: Exclude<TrainingSetKind, DerivedKind>, th: CollectorThresholds): Filter[] {
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
            const time = tab.columns.time as Float64Array;
            return firstOfEachKey(
              tab,
              (i) => `${deviceOf(tab, i)}\u0000${time[i]}\u0000${tab.columns.state[i]}`,
            );
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
  const datasetId = ds.manifest.dataset_id;
  const id = `training_set:${datasetId}/${kind}/${sha256(canonicalJson(thresholds)).slice(0, 12)}`;
  const built = isDerived(kind)
    ? await buildDerived(ds, DERIVED_SETS[kind] as DerivedSet<unknown>, thresholds[kind])
    : await readOne(ds, kind, thresholds);
  let table = built.table;
  const rowsRead = table.rows;
  const filters: FilterReport[] = [];
  log(
    built.sources.length === 1
      ? `collect ${kind}: ${table.rows} ${source} rows from ${datasetId}`
      : `collect ${kind}: ${table.rows} candidate rows from ${datasetId} (${source})`,
  );
  for (const filter of built.filters) {
    const rowsIn = table.rows;
    table = filterRows(table, filter.keep(table));
    const report = { filter: filter.name, rowsIn, rowsOut: table.rows, dropped: rowsIn - table.rows };
    filters.push(report);
    log(`  dropped ${report.dropped} of ${rowsIn} rows: ${filter.name}`);
  }
  log(`  kept ${table.rows} rows`);
  const used = built.sources.map(({ table: name, rows }) => ({
    name,
    rows,
    used: built.used(table, name, rows),
  }));
  const sources: SourceTable[] = used.map((u) => ({
    table: u.name,
    rowsRead: u.rows.rows,
    rowsUsed: u.used.rows,
    summary: sourceTableSummary(u.name, u.used),
  }));
  const lineage = options.lineage;
  if (lineage) {
    const params = { dataset: datasetId, kind, thresholds, ...(ds.verify ? {} : { verify: false }) };
    const runId = lineage.startRun("collect", params);
    // the hash of what was read and verified; none for an unverified read
    lineage.recordInput(runId, { id: datasetId, kind: "dataset", uri: ds.dir, sha256: ds.lineageSha256 });
    lineage.recordOutput(runId, { id, kind: "training_set" });
    for (const u of used) {
      recordSourceTable(lineage, runId, {
        ds,
        source: u.name,
        rowsRead: u.rows.rows,
        kept: u.used,
        setId: id,
      });
    }
    const filtered =
      built.sources.length === 1 ? `${datasetId}/${source}` : `${datasetId}/${kind} candidates`;
    for (const f of filters) {
      lineage.recordTransformation(runId, {
        name: `filter: ${f.filter}`,
        input: filtered,
        output: id,
        rowsIn: f.rowsIn,
        rowsOut: f.rowsOut,
      });
    }
    lineage.completeRun(runId);
  }
  return { kind, datasetId, source, sources, rowsRead, table, filters, id, kept: built.summary(table) };
}

/** What a set is built from, its candidate rows, its filters, and how to find the source rows behind kept rows. */
interface Built {
  table: ColumnTable;
  sources: { table: TableName; rows: ColumnTable }[];
  filters: Filter[];
  /** The rows of a source table behind the kept rows. */
  used(kept: ColumnTable, name: TableName, rows: ColumnTable): ColumnTable;
  summary(kept: ColumnTable): Record<string, unknown>;
}

async function readOne(
  ds: OpenDataset,
  kind: Exclude<TrainingSetKind, DerivedKind>,
  thresholds: CollectorThresholds,
): Promise<Built> {
  const name = TRAINING_SETS[kind];
  const table = await ds.table(name);
  return {
    table,
    sources: [{ table: name, rows: table }],
    filters: filtersFor(kind, thresholds),
    // the kept rows are the source's rows
    used: (kept) => kept,
    summary: (kept) => sourceTableSummary(name, kept),
  };
}

async function buildDerived(ds: OpenDataset, set: DerivedSet<unknown>, thresholds: unknown): Promise<Built> {
  const tables: SourceTables = {};
  for (const name of set.tables) tables[name] = await ds.table(name);
  return {
    table: set.build(tables, datasetSeed(ds)),
    sources: set.tables.map((name) => ({ table: name, rows: tables[name]! })),
    filters: set.filters(thresholds, tables),
    used: (kept, name, rows) => filterRows(rows, usedRows(kept, name, rows)),
    summary: (kept) => set.summary(kept),
  };
}
