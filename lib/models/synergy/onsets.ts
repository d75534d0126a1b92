import type { EventBehaviour } from "../../synth/catalog/eventBehaviour.js";
import { countBefore, type DeviceSeries } from "./synergyHome.js";

/** Times (ascending UTC ms) at which a device entered a state, with each one's local hour. */
export interface Onsets {
  time: Float64Array;
  hour: Uint8Array;
}

/**
 * The onsets of one device into one state. A discrete state: events carrying it whose
 * previous event (in time) did not (a duplicated delivery is no new onset). A numeric
 * trigger state ("high" / "low") of a numeric sensor: a reading above the catalog's `high`
 * (below its `low`) whose previous reading was not.
 */
export function stateOnsets(series: DeviceSeries, behaviour: EventBehaviour, state: string): Onsets {
  const keep: number[] = [];
  if (behaviour.kind === "numeric" && (state === "high" || state === "low")) {
    const beyond = state === "high" ? (v: number) => v > behaviour.high : (v: number) => v < behaviour.low;
    let before = false;
    for (let k = 0; k < series.time.length; k++) {
      const now = beyond(series.value[k]);
      if (now && !before) keep.push(k);
      before = now;
    }
  } else {
    for (let k = 0; k < series.time.length; k++)
      if (series.state[k] === state && (k === 0 || series.state[k - 1] !== state)) keep.push(k);
  }
  return pick(series, keep);
}

/**
 * A device's activations, for co-activation edges: a pulse device entering its active
 * state (on, playing, open, heat / cool …), a numeric sensor crossing into its high or low
 * range, a device that mirrors occupancy changing state.
 */
export function activations(series: DeviceSeries, behaviour: EventBehaviour): Float64Array {
  if (behaviour.kind === "numeric") {
    const high = stateOnsets(series, behaviour, "high").time;
    const low = stateOnsets(series, behaviour, "low").time;
    return Float64Array.from([...high, ...low]).sort();
  }
  const active =
    behaviour.kind === "pulse"
      ? new Set([
          behaviour.active,
          ...(behaviour.activeByWeather ? Object.values(behaviour.activeByWeather) : []),
        ])
      : null;
  const keep: number[] = [];
  for (let k = 0; k < series.time.length; k++) {
    const s = series.state[k];
    const entered = k === 0 || series.state[k - 1] !== s;
    if (entered && s !== null && (active === null || active.has(s))) keep.push(k);
  }
  return Float64Array.from(keep, (k) => series.time[k]);
}

/** The onsets before `endUtcMs` (views, no copy). */
export function onsetsBefore(onsets: Onsets, endUtcMs: number): Onsets {
  const n = countBefore(onsets.time, endUtcMs);
  return { time: onsets.time.subarray(0, n), hour: onsets.hour.subarray(0, n) };
}

function pick(series: DeviceSeries, rows: readonly number[]): Onsets {
  return {
    time: Float64Array.from(rows, (k) => series.time[k]),
    hour: Uint8Array.from(rows, (k) => series.hour[k]),
  };
}
