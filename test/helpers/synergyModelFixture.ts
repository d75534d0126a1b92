/**
 * A synergy GNN registered as training registers one (registerSynergyModel), in well under a
 * second: 2 epochs on fixture graphs of the real feature widths, promoted whatever it scores.
 * Optionally with the same-area rule as a baseline and the test graphs standing for several
 * history cuts (the fixture's graphs carry no real cut), for the reports that draw them.
 */
import { evaluateSynergyScorers } from "../../lib/models/synergy/evaluateSynergyScorers.js";
import { NODE_FEATURE_NAMES } from "../../lib/models/synergy/nodeFeatures.js";
import { PAIR_FEATURE_NAMES } from "../../lib/models/synergy/pairFeatures.js";
import { registerSynergyModel } from "../../lib/models/synergy/registerSynergyModel.js";
import { SameAreaRule, type ServedScorer } from "../../lib/models/synergy/synergyBaselines.js";
import { SynergyGnn } from "../../lib/models/synergy/synergyGnn.js";
import { SYNERGY_DECISIONS, splitSynergyGraphs } from "../../lib/models/synergy/trainSynergyModel.js";
import { makeSynergyGraphs } from "./synergyGraphFixture.js";

export interface FixtureSynergyOptions {
  homes: number;
  /** Bootstrap resamples of the test evaluation. */
  resamples: number;
  /** History cuts the test graphs stand for (default: one, the graphs as they are). */
  cuts?: (number | null)[];
  /** Evaluate the same-area rule next to the GNN. */
  withBaseline?: boolean;
}

export async function registerFixtureSynergyModel(
  modelsDir: string,
  options: FixtureSynergyOptions,
): Promise<void> {
  const graphs = makeSynergyGraphs({
    task: "pair",
    homes: options.homes,
    seed: 4,
    nodeWidth: NODE_FEATURE_NAMES.length,
    pairWidth: PAIR_FEATURE_NAMES.length,
    nodes: [4, 6],
    pairs: [3, 6],
  });
  const parts = splitSynergyGraphs(graphs, { seed: 3 });
  const gnn = await new SynergyGnn({ hidden: 8, layers: 1, epochs: 2, seed: 3 }).fit(parts.train, {
    validation: parts.validation,
    featureNames: { node: NODE_FEATURE_NAMES, pair: PAIR_FEATURE_NAMES },
  });
  const scorers: ServedScorer[] = [
    { scorer: gnn, threshold: gnn.threshold },
    ...(options.withBaseline ? [{ scorer: new SameAreaRule(), threshold: 0.5 }] : []),
  ];
  const cuts = options.cuts
    ? options.cuts.map((days) => ({ graphs: parts.test.map((g) => ({ ...g, historyDays: days })), scorers }))
    : [{ graphs: parts.test, scorers }];
  const evaluation = evaluateSynergyScorers(cuts, {
    reference: gnn.name,
    resamples: options.resamples,
    seed: 3,
  });
  await registerSynergyModel(gnn, {
    modelsDir,
    split: parts.split,
    validation: parts.validation,
    evaluation,
    claims: null,
    decisions: SYNERGY_DECISIONS,
    lineageRunId: null,
    trainingDurationMs: 0,
    policy: { values: [], changes: [] }, // a 2-epoch model: promote it whatever it scores
  });
  gnn.dispose();
}
