import { areasAdjacent } from "./catalog/areaAdjacency.js";
import type { GeneratedHome } from "./homes.js";

/** The adjacency rule itself lives in the catalog (lib/models reads it too); re-exported here. */
export { type AreaPlace, areasAdjacent } from "./catalog/areaAdjacency.js";

/** Adjacency lists by area index (the order of `generated.areas`), neighbours in area order. */
export function areaAdjacency(generated: GeneratedHome): number[][] {
  const areas = generated.areas;
  return areas.map((a) => areas.flatMap((b, j) => (areasAdjacent(a, b) ? [j] : [])));
}
