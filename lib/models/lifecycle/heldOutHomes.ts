import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { splitOfHomes } from "../failure/predictFailures.js";
import type { ModelMeta } from "../registry/types.js";

/**
 * Which homes of a dataset a model version has seen (trained or validated on), from its
 * split.json. Home ids (`home_000003`) are positions, not identities: the same id in a
 * dataset generated with another seed is another home, while the same seed gives the same
 * home whatever the home count or horizon. So a version's ids count against the evaluated
 * dataset only when it was trained on that dataset, or on one with the same seed, or when
 * its training dataset cannot be found to tell (then ids are matched, to be safe).
 */

/** The evaluated dataset, as far as matching homes goes. */
export interface EvaluatedDataset {
  id: string;
  seed: number;
  dir: string;
  /** Its home ids. */
  homes: readonly string[];
}

/** A verified registry version: its directory (split.json) and meta.json (training dataset). */
export interface VersionOnDisk {
  name: string;
  version: string;
  dir: string;
  meta: Pick<ModelMeta, "dataset">;
}

export type HomeMatch = "same_dataset" | "same_seed" | "other_seed" | "unknown_dataset" | "no_split";

export interface SeenHomes {
  name: string;
  version: string;
  /** Its training dataset (meta.json). */
  dataset_id: string | null;
  match: HomeMatch;
  /** Homes of the evaluated dataset it trained or validated on. */
  seen: string[];
  /** How its homes were matched, in words. */
  note: string;
}

/** The seed of a training dataset by id, when its manifest is found (null otherwise). */
export type DatasetSeedLookup = (datasetId: string) => number | null;

/**
 * Finds a dataset by id in each root (e.g. the evaluated dataset's parent directory and the
 * data root): `<root>/<id>/manifest.json`, else any `<root>/<dir>/manifest.json` naming that
 * id (a dataset written with --out), and reads its seed.
 */
export function datasetSeedIn(roots: readonly string[]): DatasetSeedLookup {
  return (id) => {
    for (const root of roots) {
      const direct = manifestSeed(join(root, id, "manifest.json"), id);
      if (direct !== null) return direct;
      let entries: string[] = [];
      try {
        entries = readdirSync(root);
      } catch {
        continue;
      }
      for (const entry of entries.slice(0, MAX_SCANNED)) {
        const seed = manifestSeed(join(root, entry, "manifest.json"), id);
        if (seed !== null) return seed;
      }
    }
    return null;
  };
}

/** Directories of a root searched for a dataset id (a data root is a flat list of datasets). */
const MAX_SCANNED = 10_000;

function manifestSeed(file: string, id: string): number | null {
  if (!existsSync(file)) return null;
  try {
    const manifest = JSON.parse(readFileSync(file, "utf8"));
    return manifest.dataset_id === id && typeof manifest.seed === "number" ? manifest.seed : null;
  } catch {
    return null;
  }
}

/** The roots datasetSeedIn searches for an evaluated dataset: beside it, then the data root. */
export function datasetRootsFor(dataset: { dir: string }, dataRoot: string): string[] {
  return [...new Set([dirname(dataset.dir), dataRoot])];
}

/** The homes of `dataset` that `version` trained or validated on, and how that was decided. */
export function seenHomes(
  version: VersionOnDisk,
  dataset: EvaluatedDataset,
  seedOf: DatasetSeedLookup,
): SeenHomes {
  const trainedOn = version.meta.dataset?.id ?? null;
  const label = `${version.name} ${version.version}`;
  const base = { name: version.name, version: version.version, dataset_id: trainedOn };
  const split = splitOfHomes(version.dir);
  const byId = (match: HomeMatch, note: string): SeenHomes => {
    const seen =
      split.size === 0
        ? [...dataset.homes]
        : dataset.homes.filter((h) => {
            const part = split.get(h);
            return part === "train" || part === "validation";
          });
    return {
      ...base,
      match: split.size === 0 ? "no_split" : match,
      seen,
      note:
        split.size === 0
          ? `${label} has no split.json, so every home of ${dataset.id} counts as seen`
          : `${label}: ${note}; ${seen.length} of its homes trained or validated it`,
    };
  };
  if (trainedOn === dataset.id) return byId("same_dataset", `trained on ${dataset.id} itself`);
  if (trainedOn === null)
    return byId("unknown_dataset", "its training dataset is not recorded, homes matched by id");
  const seed = seedOf(trainedOn);
  if (seed === null)
    return byId("unknown_dataset", `its training dataset ${trainedOn} was not found, homes matched by id`);
  if (seed === dataset.seed)
    return byId(
      "same_seed",
      `trained on ${trainedOn}, generated with the same seed ${seed} (the same homes)`,
    );
  return {
    ...base,
    match: "other_seed",
    seen: [],
    note: `${label}: trained on ${trainedOn} (seed ${seed}), ${dataset.id} has seed ${dataset.seed}: no home in common`,
  };
}
