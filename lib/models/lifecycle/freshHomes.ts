import { dirname } from "node:path";
import { defaultDataRoot } from "../../core/paths.js";
import { splitOfHomes } from "../failure/predictFailures.js";
import { ModelRegistry } from "../registry/registry.js";
import { datasetSeedIn } from "./heldOutHomes.js";

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
  const seed = datasetSeedIn(roots)(served.datasetId);
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

/**
 * Whether the homes of `telemetry` are, id for id, the homes the production router of
 * `routerModel` was trained on (homeIdentity against its dataset); true when nothing is
 * served or the router cannot be read (ids taken at face value, as before).
 */
export function servedHomesShareIds(
  modelsDir: string,
  routerModel: string,
  telemetry: { dir: string; manifest: { dataset_id: string; seed: number } },
  dataRoots: readonly string[] = [defaultDataRoot()],
): boolean {
  const registry = new ModelRegistry(modelsDir);
  let datasetId: string | null;
  try {
    if (!registry.names().includes(routerModel) || !registry.aliases(routerModel).production) return true;
    datasetId = registry.show(routerModel, "production").meta.dataset.id;
  } catch {
    return true;
  }
  const current = { id: telemetry.manifest.dataset_id, seed: telemetry.manifest.seed, dir: telemetry.dir };
  return homeIdentity({ datasetId }, current, dataRoots).same;
}
