import type { ColumnTable, ProducedTable } from "../../core/columnTable.js";
import { HomeforgeError } from "../../core/errors.js";
import { peakHours, transitions } from "./entityPatterns.js";
import { changeScratch, homeChanges, stateNumbers } from "./homeChanges.js";
import { LEVEL_NAMES } from "./numericLevels.js";
import { sequencesAndCoOccurrences } from "./pairPatterns.js";
import { codedEvents } from "./patternEvents.js";
import { PatternRows } from "./patternRows.js";

export interface PatternExtractionOptions {
  /** Sequence / co-occurrence window: B must change within this many ms after A. Default 60 000. */
  windowMs?: number;
  /** Sequences, co-occurrences and peak hours need at least this many occurrences. Default 3. */
  minOccurrences?: number;
  /** Sequences and co-occurrences below this confidence are dropped. Default 0.05. */
  minConfidence?: number;
  /** An hour is a peak when it carries at least this multiple of the entity's mean hourly count. Default 1.5. */
  peakFactor?: number;
  /**
   * Numeric readings are "low" / "high" below / above these quantiles of the entity's own
   * readings and, in addition, more than `levelNoiseZ` noise sds from its median. Default [0.1, 0.9].
   */
  levelQuantiles?: readonly [number, number];
  /** Default 3. */
  levelNoiseZ?: number;
  /** IANA time zone per home_id for peak hours (local clock); homes not listed use UTC. */
  timeZones?: ReadonlyMap<string, string> | Readonly<Record<string, string>>;
}

/**
 * Extracts behaviour patterns from an events table (one or many homes) into the patterns table:
 *
 * - `transition` per entity and (from → to) state pair: occurrences, confidence = P(to | from).
 * - `peak_hours` per entity: the local hours carrying ≥ peakFactor × the mean hourly activity;
 *   confidence = share of the entity's state changes in those hours.
 * - `sequence` (A in state a → B changes to b within the window): occurrences = changes of A
 *   to a followed by such a change of B; confidence = that over all changes of A to a.
 * - `co_occurrence` per unordered entity pair: the share of both entities' changes followed
 *   by a change of the other within the window (either order).
 *
 * Sequences and co-occurrences report `lift` in their detail: confidence over what
 * independent entities with the same rates would give, so busy pairs do not look related.
 *
 * Only state changes count (a repeated state is not an event). Numeric sensors are reduced to
 * levels low / normal / high (see numericLevels), so "high" is the onset of a high reading,
 * the trigger state of catalog relationships such as temperature → climate.
 * String columns may be DictionaryColumns (as generation makes them): the miner works on codes,
 * parsing each distinct state once; plain string columns are coded first, so both give the
 * same table. Cost: a check that rows come grouped by home and time-sorted (a counting sort
 * by home and a time sort per home only when not), then per home a few passes over its rows
 * and a scan over each change's window: O(n + n·w) for w changes per window, never all pairs.
 */
export function extractPatterns(events: ProducedTable, options: PatternExtractionOptions = {}): ColumnTable {
  const windowMs = options.windowMs ?? 60_000;
  const minOccurrences = options.minOccurrences ?? 3;
  const minConfidence = options.minConfidence ?? 0.05;
  const peakFactor = options.peakFactor ?? 1.5;
  const [qLow, qHigh] = options.levelQuantiles ?? [0.1, 0.9];
  const noiseZ = options.levelNoiseZ ?? 3;
  checkOptions(windowMs, minOccurrences, minConfidence, peakFactor, qLow, qHigh, noiseZ);
  const coded = codedEvents(events);
  // a numeric entity's states are its levels; a literal "high" state is the same token as the
  // level (state names are distinct, so the first match is the one)
  const levelCodes = new Int32Array(LEVEL_NAMES.length);
  for (let l = 0; l < LEVEL_NAMES.length; l++) {
    let code = coded.stateNames.indexOf(LEVEL_NAMES[l]);
    if (code < 0) {
      code = coded.stateNames.length;
      coded.stateNames.push(LEVEL_NAMES[l]);
    }
    levelCodes[l] = code;
  }
  const numbers = stateNumbers(coded.stateNames);
  const scratch = changeScratch(coded, numbers);
  const out = new PatternRows();
  for (let h = 0; h < coded.homeIds.length; h++) {
    const home = coded.homeIds[h];
    const changes = homeChanges(coded, h, numbers, levelCodes, { qLow, qHigh, noiseZ }, scratch);
    transitions(home, changes, out);
    peakHours(home, timeZoneOf(options.timeZones, home), changes, peakFactor, minOccurrences, out);
    sequencesAndCoOccurrences(home, changes, { windowMs, minOccurrences, minConfidence }, out);
  }
  return out.toTable();
}

/** home_id → time zone map from a homes table (HOMES_SCHEMA), for `timeZones`. */
export function timeZonesFromHomes(homes: ColumnTable): Map<string, string> {
  const ids = homes.columns.home_id as (string | null)[] | undefined;
  const zones = homes.columns.timezone as (string | null)[] | undefined;
  if (!ids || !zones) {
    throw new HomeforgeError(
      "homes",
      "the table has no home_id or timezone column",
      "pass the homes table of a dataset",
    );
  }
  const map = new Map<string, string>();
  for (let i = 0; i < homes.rows; i++) if (ids[i] && zones[i]) map.set(ids[i]!, zones[i]!);
  return map;
}

function checkOptions(
  windowMs: number,
  minOccurrences: number,
  minConfidence: number,
  peakFactor: number,
  qLow: number,
  qHigh: number,
  noiseZ: number,
): void {
  const bad = (field: string, problem: string, fix: string) => {
    throw new HomeforgeError(`patterns.${field}`, problem, fix);
  };
  if (!(windowMs > 0) || !Number.isFinite(windowMs))
    bad("windowMs", `${windowMs} is not a positive duration`, "pass milliseconds > 0, e.g. 60000");
  if (!Number.isInteger(minOccurrences) || minOccurrences < 1)
    bad("minOccurrences", `${minOccurrences} is not a whole number ≥ 1`, "pass e.g. 3");
  if (!(minConfidence >= 0 && minConfidence <= 1))
    bad("minConfidence", `${minConfidence} is not in [0, 1]`, "pass e.g. 0.05");
  if (!(peakFactor > 0) || !Number.isFinite(peakFactor))
    bad("peakFactor", `${peakFactor} is not positive`, "pass e.g. 1.5");
  if (!(qLow > 0 && qLow < qHigh && qHigh < 1))
    bad(
      "levelQuantiles",
      `[${qLow}, ${qHigh}] is not an increasing pair inside (0, 1)`,
      "pass e.g. [0.1, 0.9]",
    );
  if (!(noiseZ >= 0) || !Number.isFinite(noiseZ))
    bad("levelNoiseZ", `${noiseZ} is not a number ≥ 0`, "pass e.g. 3");
}

function timeZoneOf(zones: PatternExtractionOptions["timeZones"], homeId: string): string {
  if (!zones) return "UTC";
  if (zones instanceof Map) return zones.get(homeId) ?? "UTC";
  const record = zones as Readonly<Record<string, string>>;
  return Object.hasOwn(record, homeId) ? record[homeId] : "UTC";
}
