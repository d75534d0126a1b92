import { type AreaPlace, areasAdjacent } from "../../synth/catalog/areaAdjacency.js";

/** Onsets within this many ms of each other count as co-activated. */
export const CO_ACTIVATION_WINDOW_MS = 30_000;

/**
 * The message-passing matrices of EDGE_TYPES (nodes × nodes, row-major, symmetric, zero
 * diagonal, weights in [0, 1]). Area membership of node i is `areaOf[i]`, an index into `areas`.
 */

/** 1 between two devices of one area. */
export function sameAreaMatrix(areaOf: Int32Array): Float32Array {
  return pairMatrix(areaOf.length, (i, j) => (areaOf[i] === areaOf[j] ? 1 : 0));
}

/** 1 between devices of two adjacent areas (catalog areasAdjacent; never within one area). */
export function adjacentAreaMatrix(areaOf: Int32Array, areas: readonly AreaPlace[]): Float32Array {
  const adjacent = areas.map((a) => areas.map((b) => areasAdjacent(a, b)));
  return pairMatrix(areaOf.length, (i, j) => (adjacent[areaOf[i]][areaOf[j]] ? 1 : 0));
}

/**
 * Observed co-activation: c(i, j) = the activations of i with an activation of j within
 * the window (either order); weight (c(i, j) + c(j, i)) / 2 / sqrt(n_i n_j), clipped to 1.
 * One sweep over all activations merged in time order.
 */
export function coActivationMatrix(
  activations: readonly Float64Array[],
  windowMs = CO_ACTIVATION_WINDOW_MS,
): Float32Array {
  const n = activations.length;
  const total = activations.reduce((s, a) => s + a.length, 0);
  const time = new Float64Array(total);
  const node = new Int32Array(total);
  let k = 0;
  activations.forEach((a, i) => {
    time.set(a, k);
    node.fill(i, k, k + a.length);
    k += a.length;
  });
  const order = Int32Array.from({ length: total }, (_, i) => i).sort((x, y) => time[x] - time[y] || x - y);
  const counts = new Float64Array(n * n);
  const seenBy = new Int32Array(n).fill(-1);
  // each activation p counts each other node j once when j has an activation within the window
  let lo = 0;
  for (let p = 0; p < total; p++) {
    const i = node[order[p]];
    const t = time[order[p]];
    while (t - time[order[lo]] > windowMs) lo++;
    for (let q = lo; q < total && time[order[q]] - t <= windowMs; q++) {
      const j = node[order[q]];
      if (j !== i && seenBy[j] !== p) {
        seenBy[j] = p;
        counts[i * n + j]++;
      }
    }
  }
  return pairMatrix(n, (i, j) => {
    const norm = Math.sqrt(activations[i].length * activations[j].length);
    return norm > 0 ? Math.min(1, (counts[i * n + j] + counts[j * n + i]) / 2 / norm) : 0;
  });
}

/** A symmetric matrix with zero diagonal from a weight of each unordered pair i < j. */
function pairMatrix(n: number, weight: (i: number, j: number) => number): Float32Array {
  const out = new Float32Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      const w = weight(i, j);
      out[i * n + j] = w;
      out[j * n + i] = w;
    }
  return out;
}
