/**
 * Which slice of a population one machine generates: shard I of N takes the contiguous home
 * indices [floor(I·homes/N), floor((I+1)·homes/N)). Every home depends only on (seed, home
 * index), so the shards are independent and their rows, in shard order, are a single run's.
 */
import { HomeforgeError } from "../../core/errors.js";

export interface ShardSpec {
  index: number;
  count: number;
}

/** The variables a Kubernetes Indexed Job sets in each pod. */
export const JOB_INDEX_VARIABLE = "JOB_COMPLETION_INDEX";
export const JOB_COUNT_VARIABLE = "JOB_COMPLETIONS";

/**
 * The shard from `--shard I/N`, or when that is unset from JOB_COMPLETION_INDEX and
 * JOB_COMPLETIONS (both or neither); undefined for a whole run.
 */
export function resolveShard(
  flag: string | undefined,
  env: Record<string, string | undefined> = process.env,
): ShardSpec | undefined {
  if (flag !== undefined) {
    const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(flag);
    if (!m) {
      throw new HomeforgeError(
        "--shard",
        `"${flag}" is not INDEX/COUNT`,
        "pass --shard I/N with whole numbers, e.g. --shard 0/4 for the first of four shards",
      );
    }
    return checked(Number(m[1]), Number(m[2]), "--shard", `--shard ${m[1]}/${m[2]}`);
  }
  const rawIndex = env[JOB_INDEX_VARIABLE];
  const rawCount = env[JOB_COUNT_VARIABLE];
  if (rawIndex === undefined && rawCount === undefined) return undefined;
  if (rawIndex === undefined || rawCount === undefined) {
    const missing = rawIndex === undefined ? JOB_INDEX_VARIABLE : JOB_COUNT_VARIABLE;
    throw new HomeforgeError(
      missing,
      `is unset while ${missing === JOB_INDEX_VARIABLE ? JOB_COUNT_VARIABLE : JOB_INDEX_VARIABLE} is set`,
      `set both ${JOB_INDEX_VARIABLE} and ${JOB_COUNT_VARIABLE} (a Kubernetes Indexed Job sets the first; set the second to the Job's completions), or pass --shard I/N`,
    );
  }
  for (const [name, raw] of [
    [JOB_INDEX_VARIABLE, rawIndex],
    [JOB_COUNT_VARIABLE, rawCount],
  ] as const) {
    if (!/^\s*\d+\s*$/.test(raw)) {
      throw new HomeforgeError(name, `"${raw}" is not a whole number`, `set ${name} to a whole number`);
    }
  }
  return checked(
    Number(rawIndex),
    Number(rawCount),
    JOB_INDEX_VARIABLE,
    `${JOB_INDEX_VARIABLE}=${rawIndex.trim()} ${JOB_COUNT_VARIABLE}=${rawCount.trim()}`,
  );
}

function checked(index: number, count: number, field: string, given: string): ShardSpec {
  if (count < 1 || !Number.isSafeInteger(count)) {
    throw new HomeforgeError(field, `${given} has a shard count below 1`, "use at least one shard, e.g. 0/1");
  }
  if (index >= count || !Number.isSafeInteger(index)) {
    throw new HomeforgeError(
      field,
      `${given}: shard index ${index} is not below the count ${count}`,
      `shard indices run from 0 to ${count - 1}`,
    );
  }
  return { index, count };
}

/** The home indices [start, end) of a shard. */
export function shardHomeRange(shard: ShardSpec, homes: number): [number, number] {
  return [
    Math.floor((shard.index * homes) / shard.count),
    Math.floor(((shard.index + 1) * homes) / shard.count),
  ];
}

/** A one-line error when a population is too small for its shard count (a shard would be empty). */
export function assertShardFits(shard: ShardSpec, homes: number): void {
  if (shard.count > homes) {
    throw new HomeforgeError(
      "--shard",
      `${shard.count} shards for ${homes} homes would leave shards without a home`,
      `use at most ${homes} shards, or raise --homes`,
    );
  }
}

const pad = (n: number) => String(n).padStart(5, "0");

/** `<datasetId>-shard-00002-of-00004`: the directory name of a shard, the same id for every shard. */
export function shardDirName(datasetId: string, shard: ShardSpec): string {
  return `${datasetId}-shard-${pad(shard.index)}-of-${pad(shard.count)}`;
}

/** The glob matching every shard directory of a dataset (for `homeforge merge` and DuckDB). */
export function shardDirGlob(datasetId: string, count: number): string {
  return `${datasetId}-shard-*-of-${pad(count)}`;
}

/** Homes [start, end) of batch `batch` within the home range a run generates. */
export function batchHomeRange(
  batch: number,
  size: number,
  range: readonly [number, number],
): [number, number] {
  const start = range[0] + batch * size;
  return [start, Math.min(start + size, range[1])];
}
