import { test } from "uvu";
import * as assert from "uvu/assert";
import { zoneOffsetMs } from "../../../lib/core/localTime.js";
import { Rng } from "../../../lib/core/random.js";
import { localHours } from "../../../lib/pipeline/analysis/localHours.js";

const HOUR = 3_600_000;

/** The local hour from the zone's offset at the instant's UTC second. */
function reference(t: number, timeZone: string): number {
  const offset = timeZone === "UTC" ? 0 : zoneOffsetMs(Math.floor(t / 1000) * 1000, timeZone);
  return ((Math.floor((t + offset) / HOUR) % 24) + 24) % 24;
}

/** Instants around every hour edge of a few days (incl. DST changes), ascending, then shuffled. */
function instants(days: readonly number[], seed: number): { sorted: Float64Array; shuffled: Float64Array } {
  const rng = Rng.derive(seed, "local-hours");
  const ts: number[] = [];
  for (const day of days) {
    for (let h = -2; h <= 26; h++) {
      const edge = day + h * HOUR;
      for (const d of [-1, -0.5, -Number.EPSILON, 0, 0.25, 1, 2]) ts.push(edge + d);
      for (let k = 0; k < 20; k++) ts.push(edge + rng.uniform(0, HOUR));
      ts.push(edge + 30 * 60_000); // half-hour offsets (e.g. Adelaide) cross here
    }
  }
  ts.sort((a, b) => a - b);
  const shuffled = ts.slice();
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = Math.floor(rng.uniform(0, i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
  }
  return { sorted: Float64Array.from(ts), shuffled: Float64Array.from(shuffled) };
}

test("local hours equal the per-instant offset's hour: hour edges, DST days, fractions, before 1970", () => {
  const days = [
    Date.UTC(2025, 2, 29), // Europe: the night before the spring change
    Date.UTC(2025, 2, 30),
    Date.UTC(2025, 9, 26),
    Date.UTC(2025, 10, 2), // US fall change
    Date.UTC(2025, 3, 6), // Australia
    Date.UTC(1969, 11, 31),
    Date.UTC(2025, 6, 1),
  ];
  const zones = ["UTC", "Europe/Berlin", "America/New_York", "Australia/Adelaide", "Asia/Kolkata"];
  for (const zone of zones) {
    for (const ts of Object.values(instants(days, 3))) {
      const out = new Uint8Array(ts.length);
      localHours(ts, ts.length, zone, out);
      for (let c = 0; c < ts.length; c++) assert.is(out[c], reference(ts[c], zone), `${zone} t=${ts[c]}`);
    }
  }
});

test("far instants (no cached hour range) and one instant", () => {
  const ts = Float64Array.of(-8.64e15, -1e14, 1e14, 8.64e15);
  const out = new Uint8Array(ts.length);
  localHours(ts, ts.length, "UTC", out);
  for (let c = 0; c < ts.length; c++) assert.is(out[c], reference(ts[c], "UTC"));
  const one = new Uint8Array(1);
  localHours(Float64Array.of(Date.UTC(2025, 0, 1, 13, 5)), 1, "Europe/Berlin", one);
  assert.is(one[0], 14);
});

test.run();
