import { Rng } from "../../lib/core/random.js";
import { EDGE_TYPES, type SynergyGraph } from "../../lib/models/synergy/synergyTypes.js";

/**
 * Hand-built SynergyGraphs for the GNN's tests and benchmark, seeded (Rng streams per home).
 *
 * - "neighbour": a pair is linked when another device in the trigger's area (edge type 0,
 *   same_area) carries the flag (node feature 0, 1 in 15 % of devices). The trigger's and the
 *   action's own features and every pair feature are noise, so only message passing can see it.
 * - "pair": a pair is linked with 30 %, and pair feature 0 = 1.5 · label + N(0, 1); node
 *   features are noise. Every variant can learn it, the pair-only baseline included.
 * - "noise": nothing carries the label (sizes and widths only: the benchmark's shapes).
 */
export type GraphTask = "neighbour" | "pair" | "noise";

export interface GraphFixtureOptions {
  task: GraphTask;
  homes: number;
  seed: number;
  /** Homes are numbered from here (so train, validation and test sets are different homes). */
  firstHome?: number;
  nodes?: [number, number];
  pairs?: [number, number];
  nodeWidth?: number;
  pairWidth?: number;
}

export function makeSynergyGraphs(options: GraphFixtureOptions): SynergyGraph[] {
  const { nodes = [8, 14], pairs = [6, 12], nodeWidth = 4, pairWidth = 3 } = options;
  return Array.from({ length: options.homes }, (_, k) => {
    const home = (options.firstHome ?? 0) + k;
    const rng = Rng.derive(options.seed, "synergy_fixture", home);
    const n = rng.int(nodes[0], nodes[1]);
    const nodeFeatures = new Float32Array(n * nodeWidth);
    for (let i = 0; i < nodeFeatures.length; i++) nodeFeatures[i] = rng.normal();
    const flag = Uint8Array.from({ length: n }, () => (rng.bernoulli(0.15) ? 1 : 0));
    for (let i = 0; i < n; i++) nodeFeatures[i * nodeWidth] = flag[i];
    // areas of 2–4 devices: edge type 0 is their cliques; the other types are sparse noise
    const area = new Int32Array(n);
    for (let i = 0, a = 0; i < n; a++) {
      const size = rng.int(2, 4);
      for (let j = 0; j < size && i < n; j++) area[i++] = a;
    }
    const adjacency = EDGE_TYPES.map((_, r) => {
      const m = new Float32Array(n * n);
      for (let i = 0; i < n; i++)
        for (let j = i + 1; j < n; j++) {
          const w = r === 0 ? (area[i] === area[j] ? 1 : 0) : rng.bernoulli(0.15) ? rng.uniform(0.1, 1) : 0;
          m[i * n + j] = w;
          m[j * n + i] = w;
        }
      return m;
    });
    const p = Math.min(rng.int(pairs[0], pairs[1]), n * (n - 1));
    const trigger = new Int32Array(p);
    const action = new Int32Array(p);
    const seen = new Set<number>();
    for (let k2 = 0; k2 < p; ) {
      const t = rng.int(0, n - 1);
      const a = rng.int(0, n - 1);
      if (t === a || seen.has(t * n + a)) continue;
      seen.add(t * n + a);
      trigger[k2] = t;
      action[k2++] = a;
    }
    const labels = new Uint8Array(p);
    const pairFeatures = new Float32Array(p * pairWidth);
    for (let i = 0; i < pairFeatures.length; i++) pairFeatures[i] = rng.normal();
    for (let k2 = 0; k2 < p; k2++) {
      if (options.task === "neighbour") {
        const t = trigger[k2];
        let linked = 0;
        for (let j = 0; j < n; j++) if (j !== t && area[j] === area[t] && flag[j] === 1) linked = 1;
        labels[k2] = linked;
      } else if (options.task === "pair") {
        labels[k2] = rng.bernoulli(0.3) ? 1 : 0;
        pairFeatures[k2 * pairWidth] = 1.5 * labels[k2] + rng.normal();
      } else labels[k2] = rng.bernoulli(0.3) ? 1 : 0;
    }
    return {
      homeId: `home_${home}`,
      homeType: "apartment",
      historyDays: null,
      observedDays: 14,
      entityIds: Array.from({ length: n }, (_, i) => `light.d${i}`),
      nodeCount: n,
      nodeFeatures,
      adjacency,
      pairCount: p,
      trigger,
      action,
      relationship: Array.from({ length: p }, () => "motion_light"),
      sameArea: Uint8Array.from({ length: p }, (_, k2) => (area[trigger[k2]] === area[action[k2]] ? 1 : 0)),
      pairFeatures,
      evidence: [],
      labels,
      confounder: null,
    };
  });
}

/** Share of linked pairs over graphs. */
export function positiveShare(graphs: readonly SynergyGraph[]): number {
  let pairs = 0;
  let positives = 0;
  for (const g of graphs) {
    pairs += g.pairCount;
    for (const y of g.labels ?? []) positives += y;
  }
  return positives / pairs;
}
