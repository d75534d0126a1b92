import { behaviourFor } from "../../lib/synth/catalog/eventBehaviour.js";
import type { HomeEvents } from "../../lib/synth/eventStream.js";
import type { GeneratedHome } from "../../lib/synth/homes.js";
import type { PlantedSynergy } from "../../lib/synth/synergyTypes.js";

/**
 * The simple lag statistic a model has to beat: the share of a candidate pair's trigger
 * onsets followed by the action entering its state within `windowMs`. Onsets are events
 * entering the trigger state; for a numeric trigger ("high" / "low"), a reading crossing
 * the catalog threshold. NaN when the trigger has no onset.
 */
export function lagShares(
  generated: GeneratedHome,
  events: HomeEvents,
  pairs: readonly PlantedSynergy[],
  windowMs = 30_000,
): number[] {
  const index = new Map(generated.devices.map((d, i) => [d.entityId, i]));
  const timesByEntity = generated.devices.map(() => [] as number[]);
  const codesByEntity = generated.devices.map(() => [] as number[]);
  const valuesByEntity = generated.devices.map(() => [] as number[]);
  for (let i = 0; i < events.length; i++) {
    const e = events.entityIndex[i];
    timesByEntity[e].push(events.time[i]);
    codesByEntity[e].push(events.state[i]);
    valuesByEntity[e].push(events.value[i]);
  }
  const onsets = (entity: number, state: string): number[] => {
    const times = timesByEntity[entity];
    const out: number[] = [];
    const b = behaviourFor(generated.devices[entity]);
    if (b.kind === "numeric" && (state === "high" || state === "low")) {
      const values = valuesByEntity[entity];
      let before = Number.NaN;
      for (let k = 0; k < times.length; k++) {
        const v = values[k];
        if (state === "high" ? v > b.high && !(before > b.high) : v < b.low && !(before < b.low))
          out.push(times[k]);
        before = v;
      }
      return out;
    }
    const code = events.stateNames.indexOf(state);
    const codes = codesByEntity[entity];
    for (let k = 0; k < times.length; k++) if (codes[k] === code) out.push(times[k]);
    return out;
  };
  return pairs.map((p) => {
    const triggers = onsets(index.get(p.trigger)!, p.triggerState);
    if (triggers.length === 0) return Number.NaN;
    const actions = onsets(index.get(p.action)!, p.actionState);
    let followed = 0;
    let k = 0;
    for (const t of triggers) {
      while (k < actions.length && actions[k] <= t) k++;
      if (k < actions.length && actions[k] - t <= windowMs) followed++;
    }
    return followed / triggers.length;
  });
}

/** ROC-AUC of scores for positives vs negatives (Mann–Whitney, ties count ½); NaN scores are skipped. */
export function rocAuc(scores: readonly number[], positive: readonly boolean[]): number {
  const rows = scores
    .map((s, i) => ({ s, y: positive[i] }))
    .filter((r) => !Number.isNaN(r.s))
    .sort((a, b) => a.s - b.s);
  let rankSumPositive = 0;
  let nPos = 0;
  for (let i = 0; i < rows.length; ) {
    let j = i;
    while (j < rows.length && rows[j].s === rows[i].s) j++;
    const midRank = (i + j + 1) / 2;
    for (let k = i; k < j; k++)
      if (rows[k].y) {
        rankSumPositive += midRank;
        nPos++;
      }
    i = j;
  }
  const nNeg = rows.length - nPos;
  return (rankSumPositive - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}
