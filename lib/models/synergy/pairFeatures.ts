import { RELATIONSHIPS } from "../../synth/catalog/relationships.js";
import { PAIR_STAT_FEATURES, type PairEvidence } from "./synergyTypes.js";

/**
 * Every pair feature, in the column order of SynergyGraph.pairFeatures: the statistics of
 * PAIR_STAT_FEATURES, then `rel_<key>` one-hots for every catalog relationship (catalog
 * order, so the columns do not depend on the dataset).
 */
export const PAIR_FEATURE_NAMES: readonly string[] = [
  ...PAIR_STAT_FEATURES,
  ...RELATIONSHIPS.map((r) => `rel_${r.key}`),
];

const STATS = PAIR_STAT_FEATURES.length;
const RELATIONSHIP_COLUMN = new Map(RELATIONSHIPS.map((r, i) => [r.key, STATS + i]));

/** A share, 0 when there is nothing to share out. */
const share = (count: number, of: number) => (of > 0 ? count / of : 0);

/**
 * The pair feature matrix (pairs × PAIR_FEATURE_NAMES.length, row-major). Shares are of
 * the trigger's onsets (of the action's for explained / reverse); per-day rates divide by
 * `observedDays` and are log1p'd; the delay median is log10 of seconds (0 when none).
 */
export function pairFeatureMatrix(
  evidence: readonly PairEvidence[],
  sameArea: ArrayLike<number>,
  relationship: readonly string[],
  observedDays: number,
): Float32Array {
  const width = PAIR_FEATURE_NAMES.length;
  const out = new Float32Array(evidence.length * width);
  evidence.forEach((e, p) => {
    const follow = e.followed.map((f) => share(f, e.triggerOnsets));
    const chance = e.chance.map((c) => share(c, e.triggerOnsets));
    const row = [
      Math.log1p(e.triggerOnsets / observedDays),
      Math.log1p(e.actionOnsets / observedDays),
      ...follow,
      ...chance,
      ...follow.map((f, w) => f - chance[w]),
      share(e.explainedActions, e.actionOnsets),
      share(e.reverseFollowed, e.actionOnsets),
      Math.log1p(e.coOccurrences30s / observedDays),
      e.medianDelayMs === null ? 0 : 1,
      e.medianDelayMs === null ? 0 : Math.log10(e.medianDelayMs / 1000),
      e.delayLogSd ?? 0,
      sameArea[p],
    ];
    out.set(row, p * width);
    const column = RELATIONSHIP_COLUMN.get(relationship[p]);
    if (column !== undefined) out[p * width + column] = 1;
  });
  return out;
}
