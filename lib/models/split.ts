import { HomeforgeError } from "../core/errors.js";
import { Rng } from "../core/random.js";

export const SPLIT_NAMES = ["train", "validation", "test"] as const;
export type SplitName = (typeof SPLIT_NAMES)[number];
export type SplitFractions = Record<SplitName, number>;

export const DEFAULT_FRACTIONS: SplitFractions = { train: 0.6, validation: 0.2, test: 0.2 };

/**
 * A split of homes (never rows: a home's devices and days all land in one split), stratified
 * by home type. Saved beside every model (split.json) so its test metrics can be reproduced.
 */
export interface HomeSplit {
  strategy: "by home, stratified by home type";
  seed: number;
  fractions: SplitFractions;
  homes: Record<SplitName, string[]>;
  /** Homes per split for each home type. */
  counts: Record<string, Record<SplitName, number>>;
}

export interface SplitRows {
  train: Int32Array;
  validation: Int32Array;
  test: Int32Array;
}

/**
 * Splits the distinct homes of a table. Per home type, the sorted home ids are shuffled with
 * a stream derived from (seed, "split", type) and cut by the fractions, so the split depends
 * only on the set of homes and the seed, not on row order. A type with at least as many
 * homes as splits of non-zero fraction gets at least one home in each.
 */
export function splitHomes(
  homeIds: ArrayLike<string | null>,
  homeTypes: ArrayLike<string | null>,
  options: { seed: number; fractions?: SplitFractions },
): HomeSplit {
  const fractions = options.fractions ?? DEFAULT_FRACTIONS;
  const total = fractions.train + fractions.validation + fractions.test;
  if (!(fractions.train > 0) || Math.abs(total - 1) > 1e-9 || SPLIT_NAMES.some((s) => fractions[s] < 0)) {
    throw new HomeforgeError(
      "split fractions",
      `train ${fractions.train}, validation ${fractions.validation}, test ${fractions.test} do not sum to 1 with train > 0`,
      "give non-negative fractions that sum to 1",
    );
  }
  const typeOf = new Map<string, string>();
  for (let i = 0; i < homeIds.length; i++) {
    const home = homeIds[i];
    if (home === null) continue;
    const type = homeTypes[i] ?? "unknown";
    const seen = typeOf.get(home);
    if (seen === undefined) typeOf.set(home, type);
    else if (seen !== type) {
      throw new HomeforgeError(
        "home_type",
        `home ${home} has rows of two home types (${seen}, ${type})`,
        "give every home one home type",
      );
    }
  }
  const byType = new Map<string, string[]>();
  for (const [home, type] of typeOf) {
    const list = byType.get(type) ?? [];
    list.push(home);
    byType.set(type, list);
  }
  const homes: Record<SplitName, string[]> = { train: [], validation: [], test: [] };
  const counts: HomeSplit["counts"] = {};
  for (const type of [...byType.keys()].sort()) {
    const list = byType.get(type)!.sort();
    Rng.derive(options.seed, "split", type).shuffle(list);
    const sizes = splitSizes(list.length, fractions);
    counts[type] = sizes;
    let at = 0;
    for (const name of SPLIT_NAMES) {
      homes[name].push(...list.slice(at, at + sizes[name]));
      at += sizes[name];
    }
  }
  for (const name of SPLIT_NAMES) homes[name].sort();
  return { strategy: "by home, stratified by home type", seed: options.seed, fractions, homes, counts };
}

function splitSizes(n: number, fractions: SplitFractions): Record<SplitName, number> {
  const sizes: Record<SplitName, number> = {
    train: 0,
    validation: Math.round(n * fractions.validation),
    test: Math.round(n * fractions.test),
  };
  const wanted = SPLIT_NAMES.filter((s) => fractions[s] > 0);
  if (n >= wanted.length) {
    for (const s of wanted) if (s !== "train" && sizes[s] === 0) sizes[s] = 1;
  } else {
    // fewer homes than splits: train first, then test, then validation
    sizes.test = n >= 2 && fractions.test > 0 ? 1 : 0;
    sizes.validation = n >= 2 && fractions.test === 0 && fractions.validation > 0 ? 1 : 0;
  }
  while (n - sizes.validation - sizes.test < 1 && sizes.validation + sizes.test > 0) {
    if (sizes.validation >= sizes.test) sizes.validation--;
    else sizes.test--;
  }
  sizes.train = n - sizes.validation - sizes.test;
  return sizes;
}

/** Row indices per split for a table's home_id column. */
export function splitRows(split: HomeSplit, homeIds: ArrayLike<string | null>): SplitRows {
  const where = new Map<string, SplitName>();
  for (const name of SPLIT_NAMES) for (const h of split.homes[name]) where.set(h, name);
  const rows: Record<SplitName, number[]> = { train: [], validation: [], test: [] };
  for (let i = 0; i < homeIds.length; i++) {
    const name = where.get(homeIds[i] ?? "");
    if (name) rows[name].push(i);
  }
  return {
    train: Int32Array.from(rows.train),
    validation: Int32Array.from(rows.validation),
    test: Int32Array.from(rows.test),
  };
}

/** The subset of `rows` whose home type is `type`. */
export function rowsOfType(rows: Int32Array, homeTypes: ArrayLike<string | null>, type: string): Int32Array {
  const out: number[] = [];
  for (const r of rows) if (homeTypes[r] === type) out.push(r);
  return Int32Array.from(out);
}
