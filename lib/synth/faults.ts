import type { Rng } from "../core/random.js";
import type { FaultCounts, HomeEvents } from "./eventStream.js";

/**
 * Seeded data-quality faults on a home's event stream, for robustness work: events
 * dropped, delivered twice, or delivered late (out of order). Rates are per event and
 * all zero by default; at zero the stream is returned untouched and no random draw is made.
 */

export interface FaultRates {
  drop: number;
  duplicate: number;
  outOfOrder: number;
}

export type { FaultCounts } from "./eventStream.js";

export const NO_FAULTS: Readonly<FaultRates> = { drop: 0, duplicate: 0, outOfOrder: 0 };
export const NO_FAULT_COUNTS: Readonly<FaultCounts> = { dropped: 0, duplicated: 0, outOfOrder: 0 };

/** An out-of-order event arrives behind 1 … MAX_DELIVERY_LAG of the events that followed it. */
export const MAX_DELIVERY_LAG = 8;

export function faultsEnabled(rates: FaultRates): boolean {
  return rates.drop > 0 || rates.duplicate > 0 || rates.outOfOrder > 0;
}

/**
 * Steps between selected events when each event is selected with probability p: a geometric
 * draw, so the cost is per selected event, not per event.
 */
function gap(rng: Rng, p: number): number {
  if (p <= 0) return Number.POSITIVE_INFINITY;
  if (p >= 1) return 1;
  return 1 + Math.floor(Math.log(1 - rng.next()) / Math.log(1 - p));
}

/** Applies drop, then duplicate, then out-of-order faults. Returns a new stream with counts. */
export function applyFaults(events: HomeEvents, rates: FaultRates, rng: Rng): HomeEvents {
  if (!faultsEnabled(rates)) return events;
  const n = events.length;
  const cap = n + Math.ceil(n * rates.duplicate * 2) + 16;
  let time = new Float64Array(cap);
  let entity = new Int32Array(cap);
  let state = new Uint8Array(cap);
  let value = new Float64Array(cap);
  let m = 0;
  let dropped = 0;
  let duplicated = 0;
  /** Copies events [from, to) of the input to the output, growing it when needed. */
  const copy = (from: number, to: number) => {
    const k = to - from;
    if (k <= 0) return;
    if (m + k > time.length) {
      const size = Math.max(time.length * 2, m + k);
      const grow = <T extends Float64Array | Int32Array | Uint8Array>(a: T): T => {
        const bigger = new (a.constructor as new (len: number) => T)(size);
        bigger.set(a.subarray(0, m));
        return bigger;
      };
      time = grow(time);
      entity = grow(entity);
      state = grow(state);
      value = grow(value);
    }
    time.set(events.time.subarray(from, to), m);
    entity.set(events.entityIndex.subarray(from, to), m);
    state.set(events.state.subarray(from, to), m);
    value.set(events.value.subarray(from, to), m);
    m += k;
  };
  // walk the selected events only; runs between them are block copies
  let nextDrop = gap(rng, rates.drop) - 1;
  let nextDup = gap(rng, rates.duplicate) - 1;
  let done = 0;
  while (done < n) {
    const i = Math.min(nextDrop, nextDup);
    if (i >= n) {
      copy(done, n);
      break;
    }
    copy(done, i);
    const isDrop = i === nextDrop;
    const isDup = i === nextDup;
    if (isDrop) nextDrop += gap(rng, rates.drop);
    if (isDup) nextDup += gap(rng, rates.duplicate);
    if (isDrop) {
      dropped++;
    } else {
      copy(i, i + 1);
      if (isDup) {
        copy(i, i + 1);
        duplicated++;
      }
    }
    done = i + 1;
  }
  // late delivery: walk from the back so a moved event is never selected twice
  let outOfOrder = 0;
  if (rates.outOfOrder > 0) {
    for (let i = m - 1 - (gap(rng, rates.outOfOrder) - 1); i >= 0; i -= gap(rng, rates.outOfOrder)) {
      const j = Math.min(m - 1, i + 1 + Math.floor(rng.next() * MAX_DELIVERY_LAG));
      if (j <= i) continue;
      const t = time[i];
      const e = entity[i];
      const s = state[i];
      const v = value[i];
      time.copyWithin(i, i + 1, j + 1);
      entity.copyWithin(i, i + 1, j + 1);
      state.copyWithin(i, i + 1, j + 1);
      value.copyWithin(i, i + 1, j + 1);
      time[j] = t;
      entity[j] = e;
      state[j] = s;
      value[j] = v;
      outOfOrder++;
    }
  }
  return {
    entityIndex: entity.slice(0, m),
    time: time.slice(0, m),
    state: state.slice(0, m),
    stateNames: events.stateNames,
    value: value.slice(0, m),
    length: m,
    faults: { dropped, duplicated, outOfOrder },
  };
}
