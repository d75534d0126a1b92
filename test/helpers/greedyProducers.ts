/**
 * A producer module whose producer keeps ~8 MB of heap per home for good: on a worker with
 * a small heap cap it runs out of memory after a few homes. Only for worker runs.
 */
import { homeTablesProducer, type TableProducer } from "../../lib/pipeline/generation/producers.js";

export const GREEDY_PRODUCERS = new URL("./greedyProducers.ts", import.meta.url).href;

const kept: number[][] = [];

export const tableProducers: readonly TableProducer[] = [
  (g, c, ctx) => {
    kept.push(Array.from({ length: 1_000_000 }, (_, i) => i + 0.5));
    return homeTablesProducer(g, c, ctx);
  },
];
