import { HomeforgeError } from "../../core/errors.js";
import type { StandardizerState } from "../failure/standardizer.js";
import { standardizeInto } from "./graphScaler.js";
import type { SynergyGraph } from "./synergyTypes.js";

/** The widths every graph of a model shares, read from the graphs themselves. */
export interface GraphWidths {
  /** Node features per node. */
  node: number;
  /** Pair features per candidate pair. */
  pair: number;
  /** Message-passing edge types (SynergyGraph.adjacency.length). */
  edgeTypes: number;
}

/** How neighbours are aggregated: GCN's symmetric normalisation with self loops, or GraphSAGE's mean. */
export type Aggregation = "gcn" | "mean";

/**
 * The widths of `graphs`, checked to be one consistent set (a one-line error naming the graph
 * and the field otherwise). `expected` (a fitted model's) must match when given.
 */
export function graphWidths(
  graphs: readonly SynergyGraph[],
  field: string,
  expected?: GraphWidths,
): GraphWidths | null {
  let widths: GraphWidths | null = expected ?? null;
  for (const g of graphs) {
    const where = `${field} (home ${g.homeId}, ${g.historyDays ?? "full"} days)`;
    const n = g.nodeCount;
    const p = g.pairCount;
    if (!(n >= 0) || (n === 0 ? g.nodeFeatures.length !== 0 : g.nodeFeatures.length % n !== 0))
      throw new HomeforgeError(
        where,
        `nodeFeatures has ${g.nodeFeatures.length} values for ${n} nodes`,
        "give nodeCount × feature-width values, row-major",
      );
    if (!(p >= 0) || (p === 0 ? g.pairFeatures.length !== 0 : g.pairFeatures.length % p !== 0))
      throw new HomeforgeError(
        where,
        `pairFeatures has ${g.pairFeatures.length} values for ${p} pairs`,
        "give pairCount × feature-width values, row-major",
      );
    if (g.trigger.length !== p || g.action.length !== p)
      throw new HomeforgeError(
        where,
        `has ${p} pairs but ${g.trigger.length} triggers and ${g.action.length} actions`,
        "give one trigger and one action node index per pair",
      );
    for (let k = 0; k < p; k++)
      if (!(g.trigger[k] >= 0 && g.trigger[k] < n && g.action[k] >= 0 && g.action[k] < n))
        throw new HomeforgeError(
          where,
          `pair ${k} points at node ${g.trigger[k]} → ${g.action[k]}, outside 0…${n - 1}`,
          "give trigger and action as node indices of the graph",
        );
    for (const [r, a] of g.adjacency.entries())
      if (a.length !== n * n)
        throw new HomeforgeError(
          where,
          `adjacency[${r}] has ${a.length} values for ${n} nodes`,
          "give one nodeCount × nodeCount matrix per edge type",
        );
    const own = {
      node: n > 0 ? g.nodeFeatures.length / n : (widths?.node ?? 0),
      pair: p > 0 ? g.pairFeatures.length / p : (widths?.pair ?? 0),
      edgeTypes: g.adjacency.length,
    };
    if (widths === null) {
      if (n > 0 && p > 0) widths = own;
      continue;
    }
    for (const key of ["node", "pair", "edgeTypes"] as const)
      if (own[key] !== widths[key])
        throw new HomeforgeError(
          where,
          `has ${own[key]} ${WIDTH_LABEL[key]}, ${expected ? "the model was fitted on" : "other graphs have"} ${widths[key]}`,
          "build every graph with the same feature set and edge types",
        );
  }
  return widths;
}

const WIDTH_LABEL = { node: "node features", pair: "pair features", edgeTypes: "edge types" } as const;

/**
 * A padded batch of graphs, as flat row-major arrays ready for tensors: B graphs, N = the
 * largest node count, P = the largest pair count. Padding nodes have zero features, zero
 * adjacency rows and columns and are never selected; padding pairs have mask 0.
 */
export interface GraphBatch {
  graphs: number;
  nodes: number;
  pairs: number;
  /** [B, N, F] standardised node features. */
  nodeFeatures: Float32Array;
  /**
   * [B, N, R·N]: row i of graph b holds the normalised adjacency rows of every edge type side
   * by side (Â_0[i, :], Â_1[i, :], …), so one batched matmul aggregates all edge types. Null
   * when the model does no message passing.
   */
  adjacency: Float32Array | null;
  /** [B, P, N] one-hot: pair k's trigger node (selection by matmul: no gather). */
  selectTrigger: Float32Array;
  /** [B, P, N] one-hot: pair k's action node. */
  selectAction: Float32Array;
  /** [B, P, Fp] standardised pair features. */
  pairFeatures: Float32Array;
  /** [B·P] 0/1 labels (0 on padding, and everywhere without labels). */
  labels: Float32Array;
  /** [B·P] 1 on real pairs. */
  mask: Float32Array;
  /** Real pairs per graph, to cut predictions back out. */
  pairCounts: Int32Array;
}

export interface BatchScalers {
  node: StandardizerState;
  pair: StandardizerState;
}

/** Packs graphs into one padded batch (see GraphBatch). */
export function packBatch(
  graphs: readonly SynergyGraph[],
  widths: GraphWidths,
  scalers: BatchScalers,
  aggregation: Aggregation | null,
): GraphBatch {
  const B = graphs.length;
  let N = 1;
  let P = 1;
  for (const g of graphs) {
    N = Math.max(N, g.nodeCount);
    P = Math.max(P, g.pairCount);
  }
  const F = widths.node;
  const Fp = widths.pair;
  const R = widths.edgeTypes;
  const batch: GraphBatch = {
    graphs: B,
    nodes: N,
    pairs: P,
    nodeFeatures: new Float32Array(B * N * F),
    adjacency: aggregation && R > 0 ? new Float32Array(B * N * R * N) : null,
    selectTrigger: new Float32Array(B * P * N),
    selectAction: new Float32Array(B * P * N),
    pairFeatures: new Float32Array(B * P * Fp),
    labels: new Float32Array(B * P),
    mask: new Float32Array(B * P),
    pairCounts: Int32Array.from(graphs, (g) => g.pairCount),
  };
  graphs.forEach((g, b) => {
    standardizeInto(g.nodeFeatures, scalers.node, batch.nodeFeatures, b * N * F);
    standardizeInto(g.pairFeatures, scalers.pair, batch.pairFeatures, b * P * Fp);
    if (batch.adjacency)
      g.adjacency.forEach((a, r) => {
        writeNormalised(a, g.nodeCount, aggregation!, batch.adjacency!, b * N * R * N, R * N, r * N);
      });
    for (let k = 0; k < g.pairCount; k++) {
      const row = (b * P + k) * N;
      batch.selectTrigger[row + g.trigger[k]] = 1;
      batch.selectAction[row + g.action[k]] = 1;
      batch.mask[b * P + k] = 1;
      if (g.labels) batch.labels[b * P + k] = g.labels[k];
    }
  });
  return batch;
}

/**
 * Writes edge type r's normalised n × n matrix into rows of `target` (row stride `stride`,
 * column offset `column`):
 * - gcn: Â = D^-1/2 (A + I) D^-1/2, D the row sums of A + I (Kipf & Welling);
 * - mean: Â = D^-1 A, D the row sums of A (GraphSAGE's mean of the neighbours; a node without
 *   neighbours aggregates nothing — its own features come through the self weights).
 */
export function writeNormalised(
  a: Float32Array,
  n: number,
  aggregation: Aggregation,
  target: Float32Array,
  offset: number,
  stride: number,
  column: number,
): void {
  const selfLoop = aggregation === "gcn" ? 1 : 0;
  const degree = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let d = selfLoop;
    for (let j = 0; j < n; j++) d += a[i * n + j];
    degree[i] = d;
  }
  for (let i = 0; i < n; i++) {
    const row = offset + i * stride + column;
    for (let j = 0; j < n; j++) {
      const v = a[i * n + j] + (i === j ? selfLoop : 0);
      if (v === 0) continue;
      target[row + j] =
        aggregation === "gcn" ? v / Math.sqrt(degree[i] * degree[j]) : degree[i] > 0 ? v / degree[i] : 0;
    }
  }
}

/** Graphs per sorting window of batchesBySize, in batches. */
const SIZE_WINDOW_BATCHES = 8;

/**
 * One epoch's batches: the graphs in seeded random order, each window of 8 batches sorted
 * by node count and cut into batches, the batches then shuffled. Graphs of similar size
 * share a batch, so less of it is padding (the adjacency matmul grows with N²), while which
 * graphs meet in a batch stays random.
 */
export function batchesBySize(
  graphs: readonly SynergyGraph[],
  batchGraphs: number,
  rng: { shuffle<T>(items: T[]): T[] },
): number[][] {
  const order = rng.shuffle(Array.from(graphs.keys()));
  const batches: number[][] = [];
  const window = batchGraphs * SIZE_WINDOW_BATCHES;
  for (let start = 0; start < order.length; start += window) {
    const part = order
      .slice(start, start + window)
      .sort((a, b) => graphs[a].nodeCount - graphs[b].nodeCount || a - b);
    for (let k = 0; k < part.length; k += batchGraphs) batches.push(part.slice(k, k + batchGraphs));
  }
  return rng.shuffle(batches);
}
