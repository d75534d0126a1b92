/**
 * The contract between the confounder mechanisms (routines.ts, walkThrough.ts), synergy
 * planting (which marks the unlinked pairs they co-activate) and event generation (which
 * plays them out). A confounder switches devices close together in time because the same
 * person is active, not because one device triggers the other.
 */

/** Why an unlinked pair is co-activated: a household routine or a walk through adjacent areas. */
export type ConfounderKind = "routine" | "walk_through";

/** One device switched into one state (a Home Assistant state string of its behaviour). */
export interface ConfounderStep {
  /** Index into generated.devices. */
  device: number;
  state: string;
}

/**
 * Actions a confounder schedules, as growable typed columns, in no particular order.
 * `state[k]` indexes `names` (a handful of state strings), so the hot path never hashes a
 * string per action; typed columns because walks schedule millions of actions.
 */
export class ConfounderActions {
  device = new Int32Array(1024);
  time = new Float64Array(1024);
  state = new Uint8Array(1024);
  length = 0;
  readonly names: string[] = [];

  push(device: number, time: number, state: number): void {
    if (this.length === this.time.length) this.grow();
    const k = this.length++;
    this.device[k] = device;
    this.time[k] = time;
    this.state[k] = state;
  }

  /** The index of a state name in `names`, adding it on first use. */
  stateIndex(name: string): number {
    let i = this.names.indexOf(name);
    if (i < 0) i = this.names.push(name) - 1;
    return i;
  }

  private grow(): void {
    const n = this.time.length * 2;
    const device = new Int32Array(n);
    device.set(this.device);
    this.device = device;
    const time = new Float64Array(n);
    time.set(this.time);
    this.time = time;
    const state = new Uint8Array(n);
    state.set(this.state);
    this.state = state;
  }
}

export function emptyActions(): ConfounderActions {
  return new ConfounderActions();
}
