import { HomeforgeError } from "../core/errors.js";

/**
 * The contract between event generation (events.ts) and the fault injector (faults.ts): a
 * home's event stream as columns, and the tally of what faults did to it.
 */

export interface FaultCounts {
  dropped: number;
  duplicated: number;
  /** Events delivered late: moved behind up to MAX_DELIVERY_LAG later events. */
  outOfOrder: number;
}

export interface HomeEvents {
  /** Index into generated.devices. */
  entityIndex: Int32Array;
  /** UTC epoch ms (whole milliseconds). */
  time: Float64Array;
  state: Uint8Array;
  stateNames: readonly string[];
  /** Numeric reading, NaN when the event has none (light brightness and climate setpoints count). */
  value: Float64Array;
  length: number;
  /** What the fault injector did (all zero when faults are off). */
  faults: FaultCounts;
}

const DAY_MS = 86_400_000;

/**
 * The first `days` days of a home's events: those before `startUtcMs + days × 24 h`, in
 * their stored order (faults included). `startUtcMs` is the start of the home's horizon
 * (`HomeWorld.startUtcMs`, its local midnight); a cut in 24-hour steps, so around a DST
 * change it is an hour off the local midnight. Used to ask how much history a detector
 * needs: cuts of 1, 3, 7, 14 days come from the same homes as the full horizon. Returns
 * new columns (fault counts stay the full horizon's tally); the input is untouched.
 */
export function eventsWithinDays(events: HomeEvents, startUtcMs: number, days: number): HomeEvents {
  if (!(days > 0) || !Number.isFinite(days))
    throw new HomeforgeError(
      "days",
      `must be a positive number of days, got ${days}`,
      "pass e.g. 1, 3, 7 or 14",
    );
  if (!Number.isFinite(startUtcMs))
    throw new HomeforgeError(
      "startUtcMs",
      `must be a finite UTC time in ms, got ${startUtcMs}`,
      "pass the horizon start",
    );
  const end = startUtcMs + days * DAY_MS;
  let n = 0;
  for (let i = 0; i < events.length; i++) if (events.time[i] < end) n++;
  const out: HomeEvents = {
    entityIndex: new Int32Array(n),
    time: new Float64Array(n),
    state: new Uint8Array(n),
    stateNames: events.stateNames,
    value: new Float64Array(n),
    length: n,
    faults: { ...events.faults },
  };
  let k = 0;
  for (let i = 0; i < events.length; i++) {
    if (!(events.time[i] < end)) continue;
    out.entityIndex[k] = events.entityIndex[i];
    out.time[k] = events.time[i];
    out.state[k] = events.state[i];
    out.value[k] = events.value[i];
    k++;
  }
  return out;
}
