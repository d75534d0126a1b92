import { type ColumnData, type ColumnTable, columnTable } from "../../core/columnTable.js";
import type { GeneratedHome } from "../../synth/homes.js";
import { type HomeTelemetry, NO_FAILURE_SCHEDULED } from "../../synth/telemetry.js";
import { TELEMETRY_FEATURES, TELEMETRY_SCHEMA } from "../storage/tables.js";

/**
 * One home's telemetry as a TELEMETRY_SCHEMA column table. Feature columns are shared with
 * the HomeTelemetry (no copy); `days_to_failure` becomes a nullable int column (null where
 * no failure is scheduled).
 */
export function telemetryTable(telemetry: HomeTelemetry, generated: GeneratedHome): ColumnTable {
  const { devices, home } = generated;
  const n = telemetry.rows;
  const homeIds = new Array<string>(n).fill(home.homeId);
  const homeTypes = new Array<string>(n).fill(home.homeType);
  const sizeCategories = new Array<string>(n).fill(home.sizeCategory);
  const floors = new Int32Array(n).fill(home.floors);
  const climateZones = new Array<string>(n).fill(home.climateZone);
  const entityIds = new Array<string>(n);
  const healthTypes = new Array<string>(n);
  const powerSources = new Array<string>(n);
  const daysToFailure = new Array<number | null>(n);
  for (let i = 0; i < n; i++) {
    const device = devices[telemetry.entityIndex[i]];
    entityIds[i] = device.entityId;
    healthTypes[i] = device.healthType;
    powerSources[i] = device.powerSource;
    const ahead = telemetry.daysToFailure[i];
    daysToFailure[i] = ahead === NO_FAILURE_SCHEDULED ? null : ahead;
  }
  const columns: Record<string, ColumnData> = {
    home_id: homeIds,
    entity_id: entityIds,
    day: telemetry.day,
    home_type: homeTypes,
    size_category: sizeCategories,
    floors,
    climate_zone: climateZones,
    health_type: healthTypes,
    power_source: powerSources,
  };
  for (const name of TELEMETRY_FEATURES) columns[name] = telemetry.features[name];
  columns.fails_within_7d = telemetry.failsWithin7d;
  columns.censored = telemetry.censored;
  columns.days_to_failure = daysToFailure;
  columns.failure_scenario = telemetry.failureScenario;
  return columnTable(TELEMETRY_SCHEMA, columns);
}
