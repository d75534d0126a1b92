import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { MANIFEST_FILE } from "../../core/manifest.js";
import { splitOfHomes } from "../failure/predictFailures.js";

/**
 * Which homes of a new dataset a served version has seen. split.json in the version
 * directory lists the homes of its train, validation and test splits by id; a home id names
 * the same home only within one seed (ids are `home_<index>`, the home behind an index comes
 * from (seed, index)), so ids count as the same homes when the new dataset is the served
 * one, or was generated with the same seed as it. When the served dataset's manifest cannot
 * be found the ids are taken at face value: the conservative reading (fewer fresh homes).
 */

export interface HomeIdentity {
  /** Whether equal home ids are the same homes. */
  same: boolean;
  /** How that was decided, in words. */
  note: string;
}

export function homeIdentity(
  served: { datasetId: string | null },
  current: { id: string; seed: number; dir: string },
  dataRoots: readonly string[],
): HomeIdentity {
  if (served.datasetId === null)
    return { same: true, note: "the served dataset is unknown: home ids taken at face value" };
  if (served.datasetId === current.id) return { same: true, note: "the served version's own dataset" };
  const roots = [...new Set([...dataRoots, dirname(current.dir)])];
  const seed = servedSeed(served.datasetId, roots);
  if (seed === null) {
    return {
      same: true,
      note: `the served dataset ${served.datasetId} was not found (looked in ${roots.join(", ")}): home ids taken at face value`,
    };
  }
  return seed === current.seed
    ? { same: true, note: `same generator seed ${seed} as the served dataset: equal ids are the same homes` }
    : {
        same: false,
        note: `generator seed ${current.seed}, the served dataset's ${seed}: every home is new`,
      };
}

/** Most directories a data root is scanned through for a dataset written under another name. */
const MAX_SCANNED = 500;

/**
 * The generator seed of dataset `id`: its manifest at `<root>/<id>`, else in a directory of a
 * root whose manifest carries that id (datasets written with --out). Null when not found.
 */
function servedSeed(id: string, roots: readonly string[]): number | null {
  const seedOf = (dir: string): number | null => {
    try {
      const m = JSON.parse(readFileSync(join(dir, MANIFEST_FILE), "utf8")) as {
        seed?: unknown;
        dataset_id?: unknown;
      };
      return m.dataset_id === id && typeof m.seed === "number" ? m.seed : null;
    } catch {
      return null; // no manifest, or not JSON: not this one
    }
  };
  for (const root of roots) {
    const seed = seedOf(join(root, id));
    if (seed !== null) return seed;
  }
  for (const root of roots) {
    if (!existsSync(root) || !statSync(root).isDirectory()) continue;
    for (const entry of readdirSync(root).slice(0, MAX_SCANNED)) {
      const seed = seedOf(join(root, entry));
      if (seed !== null) return seed;
    }
  }
  return null;
}

/** The homes of `parts` of a version's split.json (empty when it has none). */
export function splitHomesOf(versionDir: string, parts: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const [home, part] of splitOfHomes(versionDir)) if (parts.includes(part)) out.add(home);
  return out;
}

/** `homes` the version did not see in `parts`, given the identity rule. */
export function freshHomes(
  homes: Iterable<string>,
  versionDirs: readonly string[],
  parts: readonly string[],
  identity: HomeIdentity,
): Set<string> {
  const all = new Set(homes);
  if (!identity.same) return all;
  const seen = new Set<string>();
  for (const dir of versionDirs) for (const h of splitHomesOf(dir, parts)) seen.add(h);
  return new Set([...all].filter((h) => !seen.has(h)));
}
