/**
 * JSON schemas of the service's bodies and answers (Fastify validates bodies with ajv and
 * serialises answers with them; @fastify/swagger turns them into the OpenAPI document).
 */
import { TELEMETRY_FEATURES } from "../pipeline/storage/tables.js";

/** Most devices one batch request may score. */
export const MAX_BATCH_DEVICES = 256;
/** Most telemetry rows (days) of one device. */
export const MAX_DEVICE_ROWS = 400;

/** YYYY-MM-DD (whether the date exists is checked when the rows are read). */
export const DAY_PATTERN = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$";

const id = { type: "string", minLength: 1, maxLength: 200 } as const;
const nullableString = { type: ["string", "null"], maxLength: 200 } as const;

export const telemetryRowSchema = {
  type: "object",
  description:
    "one device-day of telemetry (TELEMETRY_SCHEMA's columns; the 11 features may be null = missing)",
  required: [
    "home_id",
    "entity_id",
    "day",
    "home_type",
    "size_category",
    "floors",
    "climate_zone",
    "health_type",
    "power_source",
    ...TELEMETRY_FEATURES,
  ],
  additionalProperties: false,
  properties: {
    home_id: id,
    entity_id: id,
    // a pattern, not format "date": 3–4× faster to validate; deviceTable checks the calendar
    day: { type: "string", pattern: DAY_PATTERN, description: "local calendar day, YYYY-MM-DD" },
    home_type: nullableString,
    size_category: nullableString,
    floors: { type: ["integer", "null"], minimum: 0, maximum: 1000 },
    climate_zone: nullableString,
    health_type: id,
    power_source: id,
    ...Object.fromEntries(TELEMETRY_FEATURES.map((f) => [f, { type: ["number", "null"] }])),
    // a dataset's label and truth columns may come along; they are never read
    fails_within_7d: { type: ["integer", "null"] },
    censored: { type: ["boolean", "integer", "null"] },
    days_to_failure: { type: ["integer", "null"] },
    failure_scenario: nullableString,
  },
} as const;

const telemetrySchema = {
  type: "array",
  minItems: 1,
  maxItems: MAX_DEVICE_ROWS,
  description: "one device's telemetry history; its last day is scored",
  items: telemetryRowSchema,
} as const;

/** The fields of a device that every one of its rows repeats. */
export const DEVICE_COLUMNS = [
  "home_id",
  "entity_id",
  "home_type",
  "size_category",
  "floors",
  "climate_zone",
  "health_type",
  "power_source",
] as const;

/**
 * One device's history as columns: the device's fields once, the days, and one array per
 * feature (the same length as `days`; null = missing). The same data as `telemetry` rows in a
 * quarter of the bytes (the row form repeats the device's fields every day).
 */
export const historySchema = {
  type: "object",
  description:
    "one device's telemetry history as columns; its last day is scored (the same data as `telemetry` rows, smaller)",
  required: ["device", "days", "features"],
  additionalProperties: false,
  properties: {
    device: {
      type: "object",
      required: [...DEVICE_COLUMNS],
      additionalProperties: false,
      properties: Object.fromEntries(DEVICE_COLUMNS.map((c) => [c, telemetryRowSchema.properties[c]])),
    },
    days: {
      type: "array",
      minItems: 1,
      maxItems: MAX_DEVICE_ROWS,
      items: telemetryRowSchema.properties.day,
    },
    features: {
      type: "object",
      required: [...TELEMETRY_FEATURES],
      additionalProperties: false,
      properties: Object.fromEntries(
        TELEMETRY_FEATURES.map((f) => [
          f,
          { type: "array", maxItems: MAX_DEVICE_ROWS, items: { type: ["number", "null"] } },
        ]),
      ),
    },
  },
} as const;

const deviceEntrySchema = {
  type: "object",
  description: "one device: `telemetry` rows or a `history` in columns",
  additionalProperties: false,
  properties: { telemetry: telemetrySchema, history: historySchema },
} as const;

export const predictBodySchema = {
  type: "object",
  description:
    "one of `telemetry` (one device's rows), `history` (one device, as columns) or `devices` (a batch)",
  additionalProperties: false,
  properties: {
    telemetry: telemetrySchema,
    history: historySchema,
    devices: {
      type: "array",
      minItems: 1,
      maxItems: MAX_BATCH_DEVICES,
      items: deviceEntrySchema,
    },
  },
} as const;

export const predictionSchema = {
  type: "object",
  required: [
    "prediction_id",
    "home_id",
    "entity_id",
    "day",
    "probability",
    "risk_level",
    "threshold",
    "served_model",
    "served_version",
    "router",
    "arm",
  ],
  properties: {
    prediction_id: { type: "string" },
    home_id: { type: "string" },
    entity_id: { type: "string" },
    day: { type: "string", format: "date", description: "the scored (last) day" },
    probability: { type: "number", description: "calibrated probability of a failure within 7 days" },
    risk_level: {
      type: "string",
      enum: ["high", "medium", "low"],
      description: "high: probability ≥ threshold; medium: ≥ threshold / 2; low: below",
    },
    threshold: {
      type: "number",
      description: "the served model's decision threshold (chosen on validation homes)",
    },
    served_model: {
      type: "string",
      description: "the classifier that scored the device (routed by home type)",
    },
    served_version: { type: "string" },
    router: {
      type: "object",
      description: "the router (or classifier) version that chose it",
      required: ["name", "version"],
      properties: { name: { type: "string" }, version: { type: "string" } },
    },
    arm: {
      type: ["string", "null"],
      enum: ["a", "b", null],
      description: "online A/B arm (null: no experiment)",
    },
  },
} as const;

export const predictResponseSchema = {
  type: "object",
  required: ["predictions"],
  properties: { predictions: { type: "array", items: predictionSchema } },
} as const;

export const feedbackBodySchema = {
  type: "object",
  required: ["prediction_id", "label"],
  additionalProperties: false,
  properties: {
    prediction_id: id,
    label: {
      type: "integer",
      enum: [0, 1],
      description: "1: the device failed within 7 days of the scored day",
    },
  },
} as const;

export const feedbackResponseSchema = {
  type: "object",
  required: ["prediction_id", "label", "recorded"],
  properties: {
    prediction_id: { type: "string" },
    label: { type: "integer" },
    recorded: { type: "boolean" },
  },
} as const;

const area = {
  type: "object",
  required: ["areaId", "kind", "floor", "indoor"],
  additionalProperties: false,
  properties: {
    areaId: id,
    kind: id,
    floor: { type: "integer", minimum: -10, maximum: 1000 },
    indoor: { type: "boolean" },
  },
} as const;

const device = {
  type: "object",
  required: ["entityId", "domain", "deviceClass", "areaId", "powerSource"],
  additionalProperties: false,
  properties: {
    entityId: id,
    domain: id,
    deviceClass: { type: "string", maxLength: 200 },
    areaId: id,
    powerSource: id,
    template: { type: "string", maxLength: 200 },
  },
} as const;

/** A UTC time in ms between 1900 and 3000 (time-zone arithmetic throws far outside). */
const UTC_MS = { type: "number", minimum: -2_208_988_800_000, maximum: 32_503_680_000_000 } as const;

/** SynergyHomeData (lib/models/synergy/synergyHome.ts) without truth, events as columns. */
export const detectBodySchema = {
  type: "object",
  required: ["homeId", "homeType", "timezone", "startUtcMs", "days", "areas", "devices", "events"],
  additionalProperties: false,
  properties: {
    homeId: id,
    homeType: id,
    timezone: { ...id, description: "IANA time zone, e.g. Europe/Berlin" },
    startUtcMs: {
      ...UTC_MS,
      description: "UTC ms of the home's local midnight on its first day",
    },
    days: { type: "number", exclusiveMinimum: 0, maximum: 3660, description: "days the events cover" },
    areas: { type: "array", minItems: 1, maxItems: 500, items: area },
    devices: { type: "array", minItems: 1, maxItems: 500, items: device },
    events: {
      type: "object",
      required: ["entityId", "time", "state", "value"],
      additionalProperties: false,
      description: "one entry per state change, as columns of equal length",
      properties: {
        entityId: { type: "array", items: id },
        time: { type: "array", items: UTC_MS, description: "UTC ms" },
        state: { type: "array", items: nullableString },
        value: { type: "array", items: { type: ["number", "null"] } },
      },
    },
    top: { type: "integer", minimum: 1, maximum: 100000, description: "keep the best `top` pairs" },
    history_days: {
      type: "number",
      exclusiveMinimum: 0,
      maximum: 3660,
      description: "use only the first d days of events",
    },
  },
} as const;

export const detectResponseSchema = {
  type: "object",
  required: ["home_id", "model", "history_days", "pairs"],
  properties: {
    home_id: { type: "string" },
    model: {
      type: "object",
      required: ["name", "version", "threshold"],
      properties: { name: { type: "string" }, version: { type: "string" }, threshold: { type: "number" } },
    },
    history_days: { type: ["number", "null"] },
    pairs: {
      type: "array",
      items: {
        type: "object",
        required: [
          "rank",
          "trigger_entity",
          "action_entity",
          "relationship",
          "score",
          "predicted_link",
          "same_area",
          "reason",
        ],
        properties: {
          rank: { type: "integer" },
          trigger_entity: { type: "string" },
          action_entity: { type: "string" },
          relationship: { type: "string" },
          score: { type: "number", description: "link probability" },
          predicted_link: { type: "boolean", description: "score ≥ the model's validation threshold" },
          same_area: { type: "boolean" },
          reason: { type: "string" },
        },
      },
    },
  },
} as const;

export const errorSchema = {
  type: "object",
  required: ["statusCode", "error", "message"],
  properties: {
    statusCode: { type: "integer" },
    error: { type: "string" },
    message: { type: "string", description: "one line naming the field, the problem and the fix" },
    field: { type: "string" },
    problem: { type: "string" },
    fix: { type: "string" },
  },
} as const;

/** The error answers every route documents. */
export const errorResponses = {
  400: errorSchema,
  404: errorSchema,
  413: errorSchema,
  415: errorSchema,
  503: errorSchema,
} as const;
