import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { DEFAULTS } from "../../core/defaults.js";
import { HomeforgeError } from "../../core/errors.js";
import {
  DEFAULT_HOME_TYPE_MIX,
  HOME_TYPES,
  RADIO_ENVIRONMENTS,
  SIZE_CATEGORIES,
} from "../../synth/catalog/homeTypes.js";
import { CATALOG_TIMEZONES } from "../../synth/catalog/locations.js";

const MIX_TOLERANCE = 1e-6;

export function isValidTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

function isValidIsoDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** A mix over `names` (home types, size categories): known names only, shares in [0, 1] summing to 1. */
function mixSchema(names: readonly string[], what: string) {
  return z
    .record(z.string(), z.number({ error: "must be a number between 0 and 1" }).min(0).max(1))
    .superRefine((mix, ctx) => {
      for (const key of Object.keys(mix)) {
        if (!names.includes(key)) {
          ctx.addIssue({
            code: "custom",
            path: [key],
            message: `unknown ${what} "${key}"; use one of ${names.join(", ")}`,
          });
          return;
        }
      }
      const sum = Object.values(mix).reduce((a, b) => a + b, 0);
      if (Math.abs(sum - 1) > MIX_TOLERANCE) {
        ctx.addIssue({
          code: "custom",
          message: `shares sum to ${round(sum)}, not 1; scale them so they add up to 1`,
        });
      }
    });
}

const rate = z
  .number({ error: "must be a rate between 0 and 1" })
  .min(0, { error: "must be a rate between 0 and 1" })
  .max(1, { error: "must be a rate between 0 and 1" })
  .default(0);

/** The generation config: every field validated, every default written down. */
export const generationConfigSchema = z
  .object({
    seed: z
      .number({ error: "must be a whole number, e.g. --seed 42" })
      .int({ error: "must be a whole number, e.g. --seed 42" })
      .min(0, { error: "must be 0 or more" })
      .max(2 ** 32 - 1, { error: "must be below 2^32" })
      .default(DEFAULTS.seed),
    homes: z
      .number({ error: "must be a whole number of homes" })
      .int({ error: "must be a whole number of homes" })
      .min(1, { error: "must be at least 1" })
      .max(10_000_000, { error: "must be at most 10,000,000" })
      .default(DEFAULTS.generate.homes),
    days: z
      .number({ error: "must be a whole number of days" })
      .int({ error: "must be a whole number of days" })
      .min(1, { error: "must be at least 1 (days > 0)" })
      .max(3660, { error: "must be at most 3660 (ten years)" })
      .default(DEFAULTS.generate.days),
    start: z
      .string()
      .refine(isValidIsoDate, { error: "must be a calendar date written YYYY-MM-DD, e.g. 2025-01-01" })
      .default(DEFAULTS.generate.start),
    homeTypeMix: mixSchema(HOME_TYPES, "home type").default(DEFAULT_HOME_TYPE_MIX),
    /**
     * Shares of homes per size category (small … extra_large), like homeTypeMix; left out, the
     * catalog's shares (SIZE_CATEGORY_SPEC) and the data and dataset id are what they were.
     */
    sizeMix: mixSchema(SIZE_CATEGORIES, "size category").optional(),
    timezones: z
      .array(z.string())
      .min(1, { error: "must name at least one time zone, or be left out" })
      .superRefine((zones, ctx) => {
        zones.forEach((zone, i) => {
          if (!isValidTimeZone(zone)) {
            ctx.addIssue({
              code: "custom",
              path: [i],
              message: `"${zone}" is not an IANA time zone; use a name such as Europe/Berlin`,
            });
          } else if (!CATALOG_TIMEZONES.includes(zone)) {
            ctx.addIssue({
              code: "custom",
              path: [i],
              message: `no catalog city lies in "${zone}"; use one of ${CATALOG_TIMEZONES.join(", ")}`,
            });
          }
        });
      })
      .optional(),
    format: z.enum(["parquet", "arrow"], { error: 'must be "parquet" or "arrow"' }).default("parquet"),
    /** Seeded data-quality faults on events, as per-event rates; all off by default. */
    faults: z
      .object({ drop: rate, duplicate: rate, outOfOrder: rate })
      .strict()
      .default({ drop: 0, duplicate: 0, outOfOrder: 0 }),
    /** Device failures: the share of devices that fail during the horizon. */
    failures: z
      .object({ share: z.number({ error: "must be a share between 0 and 1" }).min(0).max(1).default(0.08) })
      .strict()
      .default({ share: 0.08 }),
    /**
     * Drift-scenario knobs (a worse radio environment, an older fleet), all optional: left
     * out, the data (and the dataset id) is what it was before they existed.
     * radioEnvironment forces every home's radio class (interference on drops, latency);
     */
    radioEnvironment: z
      .enum(RADIO_ENVIRONMENTS, { error: `must be one of ${RADIO_ENVIRONMENTS.join(", ")}` })
      .optional(),
    /** Extra path loss (dB) on every device's link to the hub: weaker signal, more drops. */
    signalLossDb: z
      .number({ error: "must be a number of decibels between 0 and 40, e.g. --signal-loss-db 8" })
      .min(0, { error: "must be 0 dB or more" })
      .max(40, { error: "must be at most 40 dB" })
      .optional(),
    /** Multiplies every home's fleet age (years since the first install): > 1 is an older fleet. */
    fleetAgeScale: z
      .number({ error: "must be a number between 0.1 and 10, e.g. --fleet-age-scale 2" })
      .min(0.1, { error: "must be at least 0.1" })
      .max(10, { error: "must be at most 10" })
      .optional(),
    /** Worker threads for generation; default one per core. Never changes the output. */
    workers: z
      .number({ error: "must be a whole number of worker threads, e.g. --workers 2" })
      .int({ error: "must be a whole number of worker threads, e.g. --workers 2" })
      .min(1, { error: "must be at least 1" })
      .max(256, { error: "must be at most 256" })
      .optional(),
    /**
     * Heap cap (MB) of each pipeline worker thread; default estimated from the batch size.
     * Bounds peak memory; raise it if a run stops with "ran out of its … MB heap".
     */
    workerHeapMb: z
      .number({ error: "must be a whole number of megabytes, e.g. --worker-heap-mb 512" })
      .int({ error: "must be a whole number of megabytes, e.g. --worker-heap-mb 512" })
      .min(64, { error: "must be at least 64 MB" })
      .optional(),
    /** How long a generated dataset is reused before it is regenerated. */
    cacheTtlHours: z
      .number({ error: "must be a number of hours, e.g. --cache-ttl 24" })
      .positive({ error: "must be more than 0 hours; pass --no-cache to skip the cache instead" })
      .default(DEFAULTS.cacheTtlHours),
    /** Per-home checks; homes that fail are reported and left out, or fail the run. */
    validation: z
      .object({
        minDevices: z
          .number({ error: "must be a whole number of devices" })
          .int({ error: "must be a whole number of devices" })
          .min(0, { error: "must be 0 or more" })
          .default(10),
        minEvents: z
          .number({ error: "must be a whole number of events" })
          .int({ error: "must be a whole number of events" })
          .min(0, { error: "must be 0 or more" })
          .default(DEFAULTS.generate.homes),
        failOnInvalidHome: z.boolean({ error: "must be true or false" }).default(false),
      })
      .strict()
      .default({ minDevices: 10, minEvents: 100, failOnInvalidHome: false }),
  })
  .strict();

export type GenerationConfigInput = z.input<typeof generationConfigSchema>;
export type GenerationConfig = z.output<typeof generationConfigSchema>;

/** Validates a config object; throws a one-line HomeforgeError naming the first bad field. */
export function parseGenerationConfig(input: unknown, source = "config"): GenerationConfig {
  const result = generationConfigSchema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = [source, ...issue.path.map(String)].join(".");
  if (issue.code === "unrecognized_keys") {
    const keys = (issue as { keys: string[] }).keys;
    throw new HomeforgeError(
      [field, keys[0]].join("."),
      `unknown setting`,
      `remove it; known settings are ${Object.keys(generationConfigSchema.shape).join(", ")}`,
    );
  }
  const [problem, fix] = splitMessage(issue.message);
  throw new HomeforgeError(field, problem, fix);
}

function splitMessage(message: string): [string, string] {
  const i = message.indexOf("; ");
  if (i >= 0) return [message.slice(0, i), message.slice(i + 2)];
  return [message, "see `homeforge generate --help` for the allowed values"];
}

/** Reads a JSON or YAML config file; `field` names the flag it came from in errors. */
export function readConfigFile(path: string, field = "--config"): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    throw new HomeforgeError(field, `cannot read ${path}`, "pass the path of an existing JSON or YAML file");
  }
  try {
    const value = /\.ya?ml$/i.test(path) ? parseYaml(text) : JSON.parse(text);
    if (value === null || typeof value !== "object" || Array.isArray(value)) throw new Error("not an object");
    return value as Record<string, unknown>;
  } catch (e) {
    throw new HomeforgeError(
      field,
      `${path} is not a valid config object (${(e as Error).message.split("\n")[0]})`,
      'write a JSON or YAML object such as {"homes": 100, "days": 30}',
    );
  }
}

interface MixFlagWords {
  /** What one name is, for "name each … once". */
  what: string;
  /** The fix for a value that cannot be read. */
  fix: string;
}

const HOME_TYPE_WORDS: MixFlagWords = {
  what: "home type",
  fix: "write it as type=share,type=share, e.g. apartment=0.5,studio=0.5",
};
const SIZE_WORDS: MixFlagWords = {
  what: "size category",
  fix: "write it as size=share,size=share, e.g. small=0.3,medium=0.5,large=0.2",
};

/**
 * Parses "apartment=0.5,studio=0.5" into a mix object. Every part is exactly one
 * `name=share` with a plain decimal share; empty parts and repeated names are refused.
 * Which names exist and whether the shares sum to 1 is the config schema's to check.
 */
export function parseMixFlag(text: string, field = "--mix", words = HOME_TYPE_WORDS): Record<string, number> {
  const { fix } = words;
  if (text.trim() === "") throw new HomeforgeError(field, "is empty", fix);
  const mix: Record<string, number> = {};
  for (const part of text.split(",")) {
    const pieces = part.split("=").map((s) => s.trim());
    const [name, share] = pieces;
    if (pieces.length !== 2 || !name || !DECIMAL.test(share)) {
      throw new HomeforgeError(field, `cannot read "${part}"`, fix);
    }
    if (Object.hasOwn(mix, name)) {
      throw new HomeforgeError(field, `"${name}" is given twice`, `name each ${words.what} once`);
    }
    mix[name] = Number(share);
  }
  return mix;
}

/** Parses "small=0.3,medium=0.4,large=0.3" (`--size-mix`) into a size mix object. */
export function parseSizeMixFlag(text: string, field = "--size-mix"): Record<string, number> {
  return parseMixFlag(text, field, SIZE_WORDS);
}

/** Parses "Europe/Berlin,America/New_York" into a list; empty entries are refused. */
export function parseTimezonesFlag(text: string, field = "--timezones"): string[] {
  const zones = text.split(",").map((s) => s.trim());
  if (zones.some((z) => z === "")) {
    throw new HomeforgeError(
      field,
      text.trim() === "" ? "is empty" : `"${text}" has an empty entry`,
      "pass comma-separated IANA zones, e.g. Europe/Berlin,America/New_York, or leave the flag out",
    );
  }
  return zones;
}

/**
 * The number grammar of every numeric flag and environment variable: plain decimal digits,
 * optionally a leading minus (so "-1" reaches the range check and is refused there by name).
 * No hex ("0x10"), no exponent ("1e1"), no "Infinity", no spaces, no "+".
 */
const WHOLE = /^-?[0-9]+$/;
/** Like WHOLE, with an optional fractional part: "1.5", "0.25", "24". */
const DECIMAL = /^-?[0-9]+(\.[0-9]+)?$/;

export interface NumberBounds {
  min?: number;
  max?: number;
}

/** Reads a whole-number flag strictly ("12abc", "1.5", "0x10", "1e1" are errors); undefined when absent. */
export function wholeNumberFlag(
  field: string,
  text: string | undefined,
  bounds: NumberBounds = {},
): number | undefined {
  if (text === undefined) return undefined;
  if (!WHOLE.test(text)) {
    throw new HomeforgeError(
      field,
      `"${text}" is not a whole number`,
      `pass plain digits, e.g. ${field} ${example(bounds, 42)}`,
    );
  }
  const value = Number(text);
  if (!Number.isSafeInteger(value)) {
    throw new HomeforgeError(
      field,
      `"${text}" is too large`,
      `pass a whole number ${bounds.max !== undefined ? `up to ${bounds.max}` : "below 2^53"}`,
    );
  }
  return inBounds(field, text, value, bounds, "whole number");
}

/** Reads a decimal flag strictly ("1.5" yes; "1e3", "0x1", "Infinity", ".5" no); undefined when absent. */
export function decimalFlag(
  field: string,
  text: string | undefined,
  bounds: NumberBounds = {},
): number | undefined {
  if (text === undefined) return undefined;
  if (!DECIMAL.test(text) || text.length > 40) {
    throw new HomeforgeError(
      field,
      `"${text}" is not a number`,
      `pass a plain decimal number, e.g. ${field} ${example(bounds, 1.5)}`,
    );
  }
  return inBounds(field, text, Number(text), bounds, "number");
}

function inBounds(field: string, text: string, value: number, bounds: NumberBounds, what: string): number {
  const { min, max } = bounds;
  const low = min !== undefined && value < min;
  if (low || (max !== undefined && value > max)) {
    const range =
      min !== undefined && max !== undefined
        ? `between ${min} and ${max}`
        : min !== undefined
          ? `of at least ${min}`
          : `of at most ${max}`;
    throw new HomeforgeError(
      field,
      `${text} is ${low ? `below ${min}` : `above ${max}`}`,
      `pass a ${what} ${range}`,
    );
  }
  return value;
}

function example(bounds: NumberBounds, fallback: number): number {
  if (bounds.min !== undefined && bounds.min > fallback) return bounds.min;
  if (bounds.max !== undefined && bounds.max < fallback) return bounds.max;
  return fallback;
}

/** A numeric flag in the strict decimal grammar; prefer wholeNumberFlag or decimalFlag, which say which. */
export function numberFlag(field: string, text: string | undefined): number | undefined {
  return decimalFlag(field, text);
}

/**
 * Merges the config sources, later ones winning: defaults < file < environment < flags.
 * Environment: HOMEFORGE_SEED.
 */
export function resolveGenerationConfig(opts: {
  file?: Record<string, unknown>;
  env?: NodeJS.ProcessEnv;
  flags?: Record<string, unknown>;
}): GenerationConfig {
  const merged: Record<string, unknown> = { ...(opts.file ?? {}) };
  const envSeed = opts.env?.HOMEFORGE_SEED;
  if (envSeed !== undefined && envSeed !== "") merged.seed = wholeNumberFlag("HOMEFORGE_SEED", envSeed);
  for (const [k, v] of Object.entries(opts.flags ?? {})) if (v !== undefined) merged[k] = v;
  return parseGenerationConfig(merged);
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
