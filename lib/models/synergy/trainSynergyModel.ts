import { type HomeSplit, type SplitFractions, splitHomes } from "../split.js";
import type { SynergyGraph } from "./synergyTypes.js";

/** The graphs of a run, split by home (every cut of a home lands in the same split). */
export interface SynergySplit {
  split: HomeSplit;
  train: SynergyGraph[];
  validation: SynergyGraph[];
  test: SynergyGraph[];
}

/**
 * Splits graphs by home, stratified by home type, with the same rule (and so, for the same
 * homes and seed, the same homes) as the failure classifiers' split.
 */
export function splitSynergyGraphs(
  graphs: readonly SynergyGraph[],
  options: { seed: number; fractions?: SplitFractions },
): SynergySplit {
  const split = splitHomes(
    graphs.map((g) => g.homeId),
    graphs.map((g) => g.homeType),
    options,
  );
  const where = new Map<string, "train" | "validation" | "test">();
  for (const part of ["train", "validation", "test"] as const)
    for (const h of split.homes[part]) where.set(h, part);
  const out: SynergySplit = { split, train: [], validation: [], test: [] };
  for (const g of graphs) out[where.get(g.homeId)!].push(g);
  return out;
}
