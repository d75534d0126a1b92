import { HomeforgeError } from "../../core/errors.js";
import { candidatePairs } from "./candidatePairs.js";
import { adjacentAreaMatrix, coActivationMatrix, sameAreaMatrix } from "./messageAdjacency.js";
import { nodeFeatureMatrix } from "./nodeFeatures.js";
import { activations, type Onsets, onsetsBefore, stateOnsets } from "./onsets.js";
import { hourlyOnsetRate, pairEvidence } from "./pairEvidence.js";
import { pairFeatureMatrix } from "./pairFeatures.js";
import {
  countBefore,
  hoursPerLocalHour,
  type IndexedHome,
  indexHome,
  type SynergyHomeData,
} from "./synergyHome.js";
import { HISTORY_CUTS, type SynergyGraph } from "./synergyTypes.js";

const DAY_MS = 86_400_000;

/**
 * One home's SynergyGraph at one amount of history (days; null = the full horizon): the
 * events before start + days × 24 h (the rule of eventsWithinDays), features, edges and
 * candidate pairs from them. Pure: the same home and cut give identical arrays.
 */
export function homeSynergyGraph(home: SynergyHomeData, cut: number | null): SynergyGraph {
  return homeSynergyGraphs(home, [cut])[0];
}

/** The graphs of one home at several cuts (indexes its events once; cut order kept). */
export function homeSynergyGraphs(
  home: SynergyHomeData,
  cuts: readonly (number | null)[] = HISTORY_CUTS,
): SynergyGraph[] {
  for (const cut of cuts) checkCut(cut);
  const indexed = indexHome(home);
  const pairs = candidatePairs(indexed);
  const onsetCache = new Map<string, Onsets>();
  const onsetsOf = (node: number, state: string): Onsets => {
    const key = `${node}\u0000${state}`;
    let o = onsetCache.get(key);
    if (!o) {
      o = stateOnsets(indexed.series[node], indexed.behaviours[node], state);
      onsetCache.set(key, o);
    }
    return o;
  };
  const triggerOnsets = pairs.relationship.map((r, p) => onsetsOf(pairs.trigger[p], r.triggerState));
  const actionOnsets = pairs.relationship.map((r, p) => onsetsOf(pairs.action[p], r.actionState));
  const nodeActivations = indexed.series.map((s, i) => activations(s, indexed.behaviours[i]));
  const sameArea = sameAreaMatrix(indexed.areaOf);
  const adjacentArea = adjacentAreaMatrix(indexed.areaOf, indexed.areas);
  return cuts.map((cut) => {
    const observedDays = cut === null ? home.days : Math.min(cut, home.days);
    const end = cut === null ? Number.POSITIVE_INFINITY : home.startUtcMs + cut * DAY_MS;
    const observedHours = hoursPerLocalHour(
      indexed.grid,
      home.startUtcMs,
      home.startUtcMs + observedDays * DAY_MS,
    );
    const evidence = pairs.relationship.map((_, p) => {
      const action = onsetsBefore(actionOnsets[p], end);
      return pairEvidence(
        onsetsBefore(triggerOnsets[p], end),
        action,
        hourlyOnsetRate(action, observedHours),
      );
    });
    const relationship = pairs.relationship.map((r) => r.key);
    return {
      homeId: home.homeId,
      homeType: home.homeType,
      historyDays: cut,
      observedDays,
      entityIds: indexed.devices.map((d) => d.entityId),
      nodeCount: indexed.devices.length,
      nodeFeatures: nodeFeatureMatrix(nodeDescriptions(indexed, end), observedDays),
      adjacency: [
        sameArea.slice(),
        adjacentArea.slice(),
        coActivationMatrix(nodeActivations.map((a) => a.subarray(0, countBefore(a, end)))),
      ],
      pairCount: pairs.trigger.length,
      trigger: pairs.trigger.slice(),
      action: pairs.action.slice(),
      relationship,
      sameArea: pairs.sameArea.slice(),
      pairFeatures: pairFeatureMatrix(evidence, pairs.sameArea, relationship, observedDays),
      evidence,
      labels: pairs.labels?.slice() ?? null,
      confounder: pairs.confounder ? [...pairs.confounder] : null,
    };
  });
}

function nodeDescriptions(home: IndexedHome, end: number) {
  return home.devices.map((d, i) => {
    const area = home.areas[home.areaOf[i]];
    const series = home.series[i];
    return {
      domain: d.domain,
      deviceClass: d.deviceClass,
      indoor: area.indoor,
      powerSource: d.powerSource,
      areaKind: area.kind,
      floor: area.floor,
      eventHours: series.hour.subarray(0, countBefore(series.time, end)),
    };
  });
}

function checkCut(cut: number | null): void {
  if (cut !== null && !(cut > 0 && Number.isFinite(cut)))
    throw new HomeforgeError(
      "cuts",
      `a history cut must be a positive number of days or null, got ${cut}`,
      "pass e.g. [1, 3, 7, 14, null]",
    );
}
