import type { StandardizerState } from "../failure/standardizer.js";

/**
 * Per-column standardisation of row-major feature blocks (a graph's nodeFeatures or
 * pairFeatures), with the semantics of ../failure/standardizer.ts and its saved state: mean
 * and sd over the training rows ignoring NaN, a missing value maps to 0, values clip to ±clip.
 * Row-major because graphs are; the column-wise Standardizer would need a copy per graph.
 */
export function fitRowMajor(blocks: readonly Float32Array[], width: number, clip = 8): StandardizerState {
  const count = new Float64Array(width);
  const sum = new Float64Array(width);
  for (const block of blocks)
    for (let k = 0; k < block.length; k++) {
      const v = block[k];
      if (Number.isNaN(v)) continue;
      count[k % width]++;
      sum[k % width] += v;
    }
  const mean = Array.from(sum, (s, j) => (count[j] > 0 ? s / count[j] : 0));
  const squares = new Float64Array(width);
  for (const block of blocks)
    for (let k = 0; k < block.length; k++) {
      const v = block[k];
      if (!Number.isNaN(v)) squares[k % width] += (v - mean[k % width]) ** 2;
    }
  const scale = Array.from(squares, (ss, j) => {
    const sd = count[j] > 1 ? Math.sqrt(ss / (count[j] - 1)) : 0;
    return sd > 1e-12 ? sd : 1;
  });
  return { mean, scale, clip };
}

/** Writes the standardised `rows` × width block `source` into `target` at `offset`. */
export function standardizeInto(
  source: Float32Array,
  state: StandardizerState,
  target: Float32Array,
  offset: number,
): void {
  const width = state.mean.length;
  const { mean, scale, clip } = state;
  for (let k = 0; k < source.length; k++) {
    const v = source[k];
    const j = k % width;
    const z = Number.isNaN(v) ? 0 : (v - mean[j]) / scale[j];
    target[offset + k] = z > clip ? clip : z < -clip ? -clip : z;
  }
}
