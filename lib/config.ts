import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { HomeforgeError } from "./errors.js";
import { DEFAULT_HOME_TYPE_MIX, HOME_TYPES, type HomeType } from "./synth/catalog/homeTypes.js";
import { CATALOG_TIMEZONES } from "./synth/catalog/locations.js";

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

const homeTypeMixSchema = z
  .record(z.string(), z.number({ error: "must be a number between 0 and 1" }).min(0).max(1))
  .superRefine((mix, ctx) => {
    for (const key of Object.keys(mix)) {
      if (!(HOME_TYPES as readonly string[]).includes(key)) {
        ctx.addIssue({
          code: "custom",
          path: [key],
          message: `unknown home type "${key}"; use one of ${HOME_TYPES.join(", ")}`,
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
      .default(42),
    homes: z
      .number({ error: "must be a whole number of homes" })
      .int({ error: "must be a whole number of homes" })
      .min(1, { error: "must be at least 1" })
      .max(10_000_000, { error: "must be at most 10,000,000" })
      .default(100),
    days: z
      .number({ error: "must be a whole number of days" })
      .int({ error: "must be a whole number of days" })
      .min(1, { error: "must be at least 1 (days > 0)" })
      .max(3660, { error: "must be at most 3660 (ten years)" })
      .default(30),
    start: z
      .string()
      .refine(isValidIsoDate, { error: "must be a calendar date written YYYY-MM-DD, e.g. 2025-01-01" })
      .default("2025-01-01"),
    homeTypeMix: homeTypeMixSchema.default(DEFAULT_HOME_TYPE_MIX),
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
      .default(24),
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
          .default(100),
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

/** Reads a JSON or YAML config file. */
export function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    throw new HomeforgeError(
      "--config",
      `cannot read ${path}`,
      "pass the path of an existing JSON or YAML file",
    );
  }
  try {
    const value = /\.ya?ml$/i.test(path) ? parseYaml(text) : JSON.parse(text);
    if (value === null || typeof value !== "object" || Array.isArray(value)) throw new Error("not an object");
    return value as Record<string, unknown>;
  } catch (e) {
    throw new HomeforgeError(
      "--config",
      `${path} is not a valid config object (${(e as Error).message.split("\n")[0]})`,
      'write a JSON or YAML object such as {"homes": 100, "days": 30}',
    );
  }
}

/** Parses "apartment=0.5,studio=0.5" into a mix object. */
export function parseMixFlag(text: string): Record<string, number> {
  const mix: Record<string, number> = {};
  for (const part of text.split(",")) {
    const [name, share] = part.split("=").map((s) => s.trim());
    const value = Number(share);
    if (!name || share === undefined || share === "" || Number.isNaN(value)) {
      throw new HomeforgeError(
        "--mix",
        `cannot read "${part}"`,
        "write it as type=share,type=share, e.g. apartment=0.5,studio=0.5",
      );
    }
    mix[name] = value;
  }
  return mix;
}

/** Reads a numeric flag strictly: "12abc" or "1.5" for an integer field is an error, not 12. */
export function numberFlag(field: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === "" || Number.isNaN(value)) {
    throw new HomeforgeError(field, `"${text}" is not a number`, `pass a whole number, e.g. ${field} 42`);
  }
  return value;
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
  if (envSeed !== undefined && envSeed !== "") merged.seed = numberFlag("HOMEFORGE_SEED", envSeed);
  for (const [k, v] of Object.entries(opts.flags ?? {})) if (v !== undefined) merged[k] = v;
  return parseGenerationConfig(merged);
}

export function homeTypeMixVector(config: GenerationConfig): number[] {
  return HOME_TYPES.map((t: HomeType) => config.homeTypeMix[t] ?? 0);
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
