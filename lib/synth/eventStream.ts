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
