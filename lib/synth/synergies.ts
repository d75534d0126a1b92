import { Rng } from "../core/random.js";
import {
  crossAreaAllowed,
  endpointMatches,
  RELATIONSHIPS,
  type RelationshipType,
} from "./catalog/relationships.js";
import { confounderOf, planConfounders } from "./confounders.js";
import type { Area, Device, GeneratedHome } from "./homes.js";
import type { PlantedSynergy } from "./synergyTypes.js";

/** A type- and place-compatible trigger→action pair of a home. */
export interface CandidatePair {
  trigger: Device;
  action: Device;
  relationship: RelationshipType;
  sameArea: boolean;
}

/** At most this many planted links end on one action device (a light has a motion sensor and a door, not ten). */
export const MAX_LINKS_PER_ACTION = 2;

/** Spread (sd of log) of a link's median delay around the catalog's typical delay. */
const LINK_DELAY_SPREAD = 0.3;

/**
 * Every compatible trigger→action pair of a home, in a fixed order: trigger device order,
 * then catalog order, then action device order. A pair is compatible when the devices
 * match a catalog relationship and share an area, or the relationship allows their two
 * areas (e.g. entrance door → hallway light).
 */
export function compatiblePairs(generated: GeneratedHome): CandidatePair[] {
  const areas = new Map<string, Area>(generated.areas.map((a) => [a.areaId, a]));
  const pairs: CandidatePair[] = [];
  for (const trigger of generated.devices) {
    for (const relationship of RELATIONSHIPS) {
      if (!endpointMatches(relationship.trigger, trigger)) continue;
      const triggerArea = areas.get(trigger.areaId)!;
      for (const action of generated.devices) {
        if (action.entityId === trigger.entityId || !endpointMatches(relationship.action, action)) continue;
        const sameArea = action.areaId === trigger.areaId;
        if (!sameArea && !crossAreaAllowed(relationship, triggerArea, areas.get(action.areaId)!)) continue;
        pairs.push({ trigger, action, relationship, sameArea });
      }
    }
  }
  return pairs;
}

/**
 * Plants the synergies of a home: links some compatible pairs (mostly within an area, some
 * across areas), draws each link's delay, probability and condition, and keeps every
 * compatible pair that stays unlinked as a hard negative (`linked: false`), marked with the
 * confounder (routine, walk-through) that co-activates it, if any. A pure function of (home, seed): draws come from Rng.derive(seed, home.index, "synergies").
 */
export function plantSynergies(generated: GeneratedHome, seed: number): PlantedSynergy[] {
  const rng = Rng.derive(seed, generated.home.index, "synergies");
  const pairs = compatiblePairs(generated);
  const linked = chooseLinks(pairs, rng);
  const plan = planConfounders(generated, seed);
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
