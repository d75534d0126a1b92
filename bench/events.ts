/**
 * Event-stream benchmark (a script, not a test): events per second on one core with every
 * pattern on (daily, weekly / weekend_peak, seasonal, occupancy and vacations, darkness,
 * weather-driven climate, numeric cycles, planted synergies), next to a "raw floor"
 * measured in the same run — filling the same number of rows of typed arrays (time,
 * entity index, value) straight from the seeded generator — and the ratio of the two.
 *
 *   npx tsx bench/events.ts [homes=200] [days=90]
 */
import { pathToFileURL } from "node:url";
import { Rng } from "../lib/core/random.js";
import { parseGenerationConfig } from "../lib/pipeline/generation/config.js";
import { homeGenerationSpec } from "../lib/pipeline/generation/homeSpec.js";
import { type EventGenerationContext, generateHomeEvents } from "../lib/synth/events.js";
import { type GeneratedHome, generateHome } from "../lib/synth/homes.js";
import { plantSynergies } from "../lib/synth/synergies.js";
import type { PlantedSynergy } from "../lib/synth/synergyTypes.js";

export interface EventsBenchResult {
  homes: number;
  days: number;
  events: number;
  eventsPerSecond: number;
  /** With drop, duplicate and out-of-order faults at 1 % each. */
  eventsPerSecondWithFaults: number;
  floorRowsPerSecond: number;
  /** eventsPerSecond / floorRowsPerSecond. */
  ratio: number;
}

/** Wall time and this process's CPU time (user + system) of a piece of work, in ms. */
function measure(work: () => void): { wallMs: number; cpuMs: number } {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  work();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000 };
}

const ROUNDS = 3;

export function run(homes = 200, days = 90, seed = 42): EventsBenchResult {
  const config = parseGenerationConfig({ seed, homes, days });
  const spec = homeGenerationSpec(config);
  const generated: GeneratedHome[] = Array.from({ length: homes }, (_, i) => generateHome(spec, i));
  const synergies: PlantedSynergy[][] = generated.map((g) => plantSynergies(g, seed));
  const ctx: EventGenerationContext = { seed, start: config.start, days, faults: config.faults };
  const faulty: EventGenerationContext = {
    ...ctx,
    faults: { drop: 0.01, duplicate: 0.01, outOfOrder: 0.01 },
  };
  // warm-up, so the JIT has compiled the hot loops before timing
  for (let i = 0; i < Math.min(20, homes); i++) generateHomeEvents(generated[i], ctx, synergies[i]);

  let events = 0;
  const count = () => {
    events = 0;
    for (let i = 0; i < homes; i++) events += generateHomeEvents(generated[i], ctx, synergies[i]).length;
  };
  const faultsRun = () => {
    for (let i = 0; i < homes; i++) generateHomeEvents(generated[i], faulty, synergies[i]);
  };
  // the machine may be shared: interleave ROUNDS rounds and keep each measure's best (least CPU time)
  rawFloor(100_000, seed); // warm-up
  const rounds = Array.from({ length: ROUNDS }, () => ({
    generation: measure(count),
    withFaults: measure(faultsRun),
    floor: measure(() => rawFloor(events, seed)),
  }));
  const best = (pick: (r: (typeof rounds)[number]) => { wallMs: number; cpuMs: number }) =>
    rounds.map(pick).sort((x, y) => x.cpuMs - y.cpuMs)[0];
  const generation = best((r) => r.generation);
  const withFaults = best((r) => r.withFaults);
  const floor = best((r) => r.floor);

  // CPU time is the per-core figure: on a shared machine wall time also counts waiting for a core
  const generationMs = generation.cpuMs;
  const faultsMs = withFaults.cpuMs;
  const floorMs = floor.cpuMs;
  const result: EventsBenchResult = {
    homes,
    days,
    events,
    eventsPerSecond: (events / generationMs) * 1000,
    eventsPerSecondWithFaults: (events / faultsMs) * 1000,
    floorRowsPerSecond: (events / floorMs) * 1000,
    ratio: floorMs / generationMs,
  };
  const fmt = (x: number) => Math.round(x).toLocaleString("en-US");
  console.log(
    `events: ${homes} homes × ${days} days = ${fmt(events)} events (one core, every pattern on; best of ${ROUNDS} interleaved rounds)`,
  );
  console.log(
    `  generation            ${fmt(result.eventsPerSecond)} events/s (${(generationMs / 1000).toFixed(2)} s CPU, ${(generation.wallMs / 1000).toFixed(2)} s wall)`,
  );
  console.log(`  with 1 % faults each  ${fmt(result.eventsPerSecondWithFaults)} events/s`);
  console.log(
    `  raw floor             ${fmt(result.floorRowsPerSecond)} rows/s (time, entity, value from the seeded generator)`,
  );
  console.log(`  ratio                 ${result.ratio.toFixed(3)} of the floor`);
  return result;
}

/** The floor: the same row count written into the same typed columns, one seeded draw per cell. */
function rawFloor(rows: number, seed: number): number {
  const rng = Rng.derive(seed, "bench_floor");
  const time = new Float64Array(rows);
  const entity = new Int32Array(rows);
  const value = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    time[i] = 1_735_689_600_000 + Math.floor(rng.next() * 7_776_000_000);
    entity[i] = (rng.next() * 64) | 0;
    value[i] = rng.next();
  }
  return time[rows - 1] + entity[rows - 1] + value[rows - 1];
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  run(Number(process.argv[2] ?? 200), Number(process.argv[3] ?? 90));
}
