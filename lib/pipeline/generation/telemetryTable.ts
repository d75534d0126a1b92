import { columnTable, type ProducedColumnData, type ProducedTable } from "../../core/columnTable.js";
import { DictionaryColumn } from "../../core/dictionaryColumn.js";
import type { GeneratedHome } from "../../synth/homes.js";
import { type HomeTelemetry, NO_FAILURE_SCHEDULED } from "../../synth/telemetry.js";
import { TELEMETRY_FEATURES, TELEMETRY_SCHEMA } from "../storage/tables.js";

/**
 * One home's telemetry as a TELEMETRY_SCHEMA column table. Feature columns are shared with
 * the HomeTelemetry (no copy); `days_to_failure` becomes a nullable int column (null where
 * no failure is scheduled). The home's attributes and the device columns (entity_id,
 * health_type, power_source) are DictionaryColumns: the device ones share the rows'
 * entity indices as codes into per-device lists (decode with `plainTable` for plain arrays).
 */
export function telemetryTable(telemetry: HomeTelemetry, generated: GeneratedHome): ProducedTable {
  const { devices, home } = generated;
  const n = telemetry.rows;
  const deviceCodes =
    telemetry.entityIndex.length === n ? telemetry.entityIndex : telemetry.entityIndex.subarray(0, n);
  const byDevice = (dictionary: string[]) => new DictionaryColumn(dictionary, deviceCodes);
  const daysToFailure = new Array<number | null>(n);
  for (let i = 0; i < n; i++) {
    const ahead = telemetry.daysToFailure[i];
    daysToFailure[i] = ahead === NO_FAILURE_SCHEDULED ? null : ahead;
  }
  const columns: Record<string, ProducedColumnData> = {
    home_id: DictionaryColumn.constant(home.homeId, n),
    entity_id: byDevice(devices.map((d) => d.entityId)),
    day: telemetry.day,
    home_type: DictionaryColumn.constant(home.homeType, n),
    size_category: DictionaryColumn.constant(home.sizeCategory, n),
    floors: new Int32Array(n).fill(home.floors),
    climate_zone: DictionaryColumn.constant(home.climateZone, n),
    health_type: byDevice(devices.map((d) => d.healthType)),
    power_source: byDevice(devices.map((d) => d.powerSource)),
  };
  for (const name of TELEMETRY_FEATURES) columns[name] = telemetry.features[name];
  columns.fails_within_7d = telemetry.failsWithin7d;
  columns.censored = telemetry.censored;
  columns.days_to_failure = daysToFailure;
  columns.failure_scenario = telemetry.failureScenario;
  return columnTable(TELEMETRY_SCHEMA, columns);
}
