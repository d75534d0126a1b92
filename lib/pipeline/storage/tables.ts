import type { ColumnSpec, TableSchema } from "../../core/columnTable.js";
import { HEALTH_FEATURES } from "../../synth/catalog/health.js";

/** The dataset table contracts (DESIGN.md §4). Column order here is the file column order. */

const key = (name: string, description?: string): ColumnSpec => ({
  name,
  type: "string",
  role: "key",
  ...(description ? { description } : {}),
});
const attr = (name: string, type: ColumnSpec["type"] = "string", description?: string): ColumnSpec => ({
  name,
  type,
  role: "attribute",
  ...(description ? { description } : {}),
});

export const HOMES_SCHEMA: TableSchema = {
  name: "homes",
  columns: [
    key("home_id"),
    attr("home_type"),
    attr("size_category"),
    attr("timezone", "string", "IANA time zone"),
    attr("latitude", "float64"),
    attr("longitude", "float64"),
    attr("climate_zone"),
    attr("occupants", "int32"),
    attr("schedule", "string", "office | remote | shift | retired"),
    attr("floors", "int32"),
    attr("radio_environment"),
    attr("vacations", "string", 'JSON list of {"start_day", "days"}, days counted from the dataset start'),
  ],
};

export const AREAS_SCHEMA: TableSchema = {
  name: "areas",
  columns: [
    key("home_id"),
    key("area_id"),
    attr("name"),
    attr("kind"),
    attr("floor", "int32", "0 = ground floor, -1 = basement"),
    attr("indoor", "bool"),
  ],
};

export const DEVICES_SCHEMA: TableSchema = {
  name: "devices",
  columns: [
    key("home_id"),
    key("entity_id", "Home Assistant entity_id, <domain>.<object_id>, unique within the home"),
    attr("domain"),
    attr("device_class", "string", '"" where the domain has none'),
    key("area_id"),
    attr("health_type"),
    attr("power_source", "string", "battery | mains"),
    attr("template", "string", "catalog template the device was generated from"),
    attr("friendly_name"),
  ],
};

export const EVENTS_SCHEMA: TableSchema = {
  name: "events",
  columns: [
    key("home_id"),
    key("entity_id"),
    { name: "time", type: "timestamp_ms", role: "key", description: "UTC epoch milliseconds" },
    attr("state", "string", "Home Assistant state string (on/off, open/closed, a number as text …)"),
    {
      name: "value",
      type: "float64",
      role: "attribute",
      nullable: true,
      description: "numeric reading, if any",
    },
  ],
};

/** The 11 health features, defined once by the generator's catalog. */
export const TELEMETRY_FEATURES = HEALTH_FEATURES;
export type TelemetryFeature = (typeof TELEMETRY_FEATURES)[number];

export const TELEMETRY_SCHEMA: TableSchema = {
  name: "telemetry",
  columns: [
    key("home_id"),
    key("entity_id"),
    { name: "day", type: "date", role: "key", description: "local calendar day" },
    attr("home_type"),
    attr(
      "size_category",
      "string",
      "the home's size (copied from homes, as home_type is): context for models",
    ),
    attr("floors", "int32", "the home's storeys (copied from homes)"),
    attr("climate_zone", "string", "the home's climate zone (copied from homes)"),
    attr("health_type"),
    attr("power_source"),
    ...TELEMETRY_FEATURES.map(
      (name): ColumnSpec => ({ name, type: "float64", role: "feature", nullable: true }),
    ),
    {
      name: "fails_within_7d",
      type: "int32",
      role: "label",
      description: "1 if the device fails within the next 7 days",
    },
    {
      name: "censored",
      type: "bool",
      role: "label",
      description:
        "label metadata: true when the 7-day window reaches past the horizon's last day and no failure is observed before it (fails_within_7d = 0 is unknown, not true); leave these rows out of training and evaluation",
    },
    {
      name: "days_to_failure",
      type: "int32",
      role: "truth",
      nullable: true,
      description: "days until the failure day; null when no failure is scheduled",
    },
    { name: "failure_scenario", type: "string", role: "truth", nullable: true },
  ],
};

export const SYNERGIES_SCHEMA: TableSchema = {
  name: "synergies",
  columns: [
    key("home_id"),
    key("trigger_entity"),
    key("action_entity"),
    attr("relationship", "string", "catalog relationship type, e.g. motion_light"),
    {
      name: "linked",
      type: "bool",
      role: "truth",
      description: "planted link (true) or compatible but unlinked pair",
    },
    attr("same_area", "bool"),
    { name: "delay_ms", type: "float64", role: "truth", nullable: true, description: "median action delay" },
    { name: "probability", type: "float64", role: "truth", nullable: true },
    {
      name: "condition",
      type: "string",
      role: "truth",
      nullable: true,
      description: "dark | occupied | null",
    },
    attr("benefit", "float64"),
    {
      name: "confounder",
      type: "string",
      role: "truth",
      nullable: true,
      description:
        "unlinked pairs only: routine | walk_through when a household routine or a walk through adjacent areas switches trigger then action without a link; null otherwise (and on every linked pair)",
    },
  ],
};

export const PATTERNS_SCHEMA: TableSchema = {
  name: "patterns",
  columns: [
    key("home_id"),
    key("entity_id"),
    attr("kind", "string", "transition | peak_hours | sequence | co_occurrence"),
    attr("detail", "string", "JSON"),
    { name: "confidence", type: "float64", role: "attribute" },
    { name: "occurrences", type: "int32", role: "attribute" },
  ],
};

export const TABLE_SCHEMAS = {
  homes: HOMES_SCHEMA,
  areas: AREAS_SCHEMA,
  devices: DEVICES_SCHEMA,
  events: EVENTS_SCHEMA,
  telemetry: TELEMETRY_SCHEMA,
  synergies: SYNERGIES_SCHEMA,
  patterns: PATTERNS_SCHEMA,
} as const;
export type TableName = keyof typeof TABLE_SCHEMAS;
