import { countFollowed, countNear, countPreceded, followDelays } from "./lagCounts.js";
import type { Onsets } from "./onsets.js";
import { LAG_WINDOWS_MS, type PairEvidence } from "./synergyTypes.js";

const HOUR_MS = 3_600_000;
/** The window of the one-directional counts (explained, reverse, co-occurrence). */
const SHORT_WINDOW_MS = 30_000;
/** The longest lag window: delays are measured within it. */
const DELAY_WINDOW_MS = LAG_WINDOWS_MS[LAG_WINDOWS_MS.length - 1];

/**
 * A device's onset rate per local hour of day, per ms: onsets in that hour over the hours
 * of that local hour observed (`hoursPerLocalHour`); 0 where an hour was never observed.
 */
export function hourlyOnsetRate(onsets: Onsets, observedHours: Float64Array): Float64Array {
  const counts = new Float64Array(24);
  for (let i = 0; i < onsets.hour.length; i++) counts[onsets.hour[i]]++;
  return counts.map((c, h) => (observedHours[h] > 0 ? c / (observedHours[h] * HOUR_MS) : 0));
}

/**
 * What the onsets of a candidate pair say (synergyTypes.ts documents each field). Chance
 * treats the action's onsets as a Poisson process at its rate for the trigger onset's
 * local hour: P(an action onset within w) = 1 − exp(−rate × w), summed over trigger onsets.
 */
export function pairEvidence(trigger: Onsets, action: Onsets, actionRatePerMs: Float64Array): PairEvidence {
  const t = trigger.time;
  const a = action.time;
  const chance = LAG_WINDOWS_MS.map((w) => {
    let sum = 0;
    for (let i = 0; i < trigger.hour.length; i++) sum += 1 - Math.exp(-actionRatePerMs[trigger.hour[i]] * w);
    return sum;
  });
  const delays = followDelays(t, a, DELAY_WINDOW_MS);
  return {
    triggerOnsets: t.length,
    actionOnsets: a.length,
    followed: LAG_WINDOWS_MS.map((w) => countFollowed(t, a, w)),
    chance,
    explainedActions: countPreceded(a, t, SHORT_WINDOW_MS),
    reverseFollowed: countFollowed(a, t, SHORT_WINDOW_MS),
    coOccurrences30s: countNear(t, a, SHORT_WINDOW_MS) + countNear(a, t, SHORT_WINDOW_MS),
    medianDelayMs: delays.length > 0 ? median(delays) : null,
    delayLogSd: delays.length >= 2 ? sampleSd(delays.map(Math.log)) : null,
  };
}

function median(values: number[]): number {
  const s = [...values].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function sampleSd(values: number[]): number {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const ss = values.reduce((s, v) => s + (v - mean) ** 2, 0);
  return Math.sqrt(ss / (values.length - 1));
}
