import { Rng } from "../core/random.js";
import { type CompatiblePair, compatibleDevicePairs } from "./catalog/compatiblePairs.js";
import { type ConfounderPlan, confounderOf, planConfounders } from "./confounders.js";
import type { Device, GeneratedHome } from "./homes.js";
import type { PlantedSynergy } from "./synergyTypes.js";

/** A type- and place-compatible trigger→action pair of a home. */
export type CandidatePair = CompatiblePair<Device>;

/** At most this many planted links end on one action device (a light has a motion sensor and a door, not ten). */
export const MAX_LINKS_PER_ACTION = 2;

/** Spread (sd of log) of a link's median delay around the catalog's typical delay. */
const LINK_DELAY_SPREAD = 0.3;

/**
 * Every compatible trigger→action pair of a home (catalog/compatiblePairs.ts: trigger
 * device order, then catalog order, then action device order).
 */
export function compatiblePairs(generated: GeneratedHome): CandidatePair[] {
  return compatibleDevicePairs(generated.devices, generated.areas);
}

/**
 * Plants the synergies of a home: links some compatible pairs (mostly within an area, some
 * across areas), draws each link's delay, probability and condition, and keeps every
 * compatible pair that stays unlinked as a hard negative (`linked: false`), marked with the
 * confounder (routine, walk-through) that co-activates it, if any. A pure function of (home, seed): draws come from Rng.derive(seed, home.index, "synergies").
 * `plan` is planConfounders(generated, seed), passed when the caller has it already.
 */
export function plantSynergies(
  generated: GeneratedHome,
  seed: number,
  plan: ConfounderPlan = planConfounders(generated, seed),
): PlantedSynergy[] {
  const rng = Rng.derive(seed, generated.home.index, "synergies");
  const pairs = compatiblePairs(generated);
  const linked = chooseLinks(pairs, rng);
  const indexOf = new Map(generated.devices.map((d, i) => [d.entityId, i]));
  return pairs.map((pair, i) => {
    const { trigger, action, relationship: r, sameArea } = pair;
    const base = {
      homeId: generated.home.homeId,
      trigger: trigger.entityId,
      action: action.entityId,
      relationship: r.key,
      sameArea,
      triggerState: r.triggerState,
      actionState: r.actionState,
      benefit: r.benefit,
    };
    if (!linked[i]) {
      const confounder = confounderOf(
        plan,
        indexOf.get(trigger.entityId)!,
        r.triggerState,
        indexOf.get(action.entityId)!,
        r.actionState,
      );
      return {
        ...base,
        linked: false,
        delayMs: null,
        delaySigma: null,
        probability: null,
        condition: null,
        confounder,
      };
    }
    return {
      ...base,
      linked: true,
      delayMs: Math.max(1, Math.round(rng.logNormal(r.delay.medianMs, LINK_DELAY_SPREAD))),
      delaySigma: r.delay.sigma,
      probability: round3(rng.uniform(r.probability[0], r.probability[1])),
      condition: r.condition !== null && rng.bernoulli(r.conditionShare) ? r.condition : null,
      confounder: null,
    };
  });
}

/**
 * Decides which pairs are linked: each with its relationship's same-area or cross-area
 * share, capped per action device. A home with candidates but no drawn link gets its
 * best same-area pair linked, so every such home has something to find.
 */
function chooseLinks(pairs: readonly CandidatePair[], rng: Rng): boolean[] {
  const linked = pairs.map(() => false);
  const perAction = new Map<string, number>();
  pairs.forEach((pair, i) => {
    const share = pair.sameArea
      ? pair.relationship.linkShare.sameArea
      : pair.relationship.linkShare.crossArea;
    const u = rng.next(); // always drawn: one draw per pair keeps the stream aligned with the pair list
    const incoming = perAction.get(pair.action.entityId) ?? 0;
    if (u < share && incoming < MAX_LINKS_PER_ACTION) {
      linked[i] = true;
      perAction.set(pair.action.entityId, incoming + 1);
    }
  });
  if (pairs.length > 0 && !linked.includes(true)) {
    let best = -1;
    pairs.forEach((pair, i) => {
      const score = pair.relationship.benefit + (pair.sameArea ? 1 : 0);
      const bestScore = best < 0 ? -1 : pairs[best].relationship.benefit + (pairs[best].sameArea ? 1 : 0);
      if (score > bestScore) best = i;
    });
    linked[best] = true;
  }
  return linked;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
