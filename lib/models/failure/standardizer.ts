/**
 * Per-feature standardisation, fitted on training rows only and saved with the model.
 * Statistics ignore missing values (NaN); transform maps a missing value to the training
 * mean (0 after scaling) and clips to ±clip so one wild reading cannot saturate the net.
 */
export interface StandardizerState {
  mean: number[];
  scale: number[];
  clip: number;
}

export class Standardizer {
  readonly mean: Float64Array;
  readonly scale: Float64Array;
  readonly clip: number;

  constructor(state: StandardizerState) {
    if (state.mean.length !== state.scale.length)
      throw new Error("standardizer: mean and scale differ in length");
    this.mean = Float64Array.from(state.mean);
    this.scale = Float64Array.from(state.scale);
    this.clip = state.clip;
  }

  /** Fits mean and sd of `columns` over `rows` (the training rows). */
  static fit(columns: readonly ArrayLike<number>[], rows: ArrayLike<number>, clip = 8): Standardizer {
    const mean: number[] = [];
    const scale: number[] = [];
    for (const values of columns) {
      let count = 0;
      let sum = 0;
      for (let k = 0; k < rows.length; k++) {
        const v = values[rows[k]];
        if (Number.isNaN(v)) continue;
        count++;
        sum += v;
      }
      const m = count > 0 ? sum / count : 0;
      let ss = 0;
      for (let k = 0; k < rows.length; k++) {
        const v = values[rows[k]];
        if (!Number.isNaN(v)) ss += (v - m) * (v - m);
      }
      const sd = count > 1 ? Math.sqrt(ss / (count - 1)) : 0;
      mean.push(m);
      scale.push(sd > 1e-12 ? sd : 1);
    }
    return new Standardizer({ mean, scale, clip });
  }

  get size(): number {
    return this.mean.length;
  }

  /**
   * Standardised rows as one row-major Float32Array (rows × columns), ready for a tensor:
   * picking rows here is how we subset data without tf.gather.
   */
  transformRows(columns: readonly ArrayLike<number>[], rows: ArrayLike<number>): Float32Array {
    const d = this.mean.length;
    if (columns.length !== d) throw new Error(`standardizer: expected ${d} columns, got ${columns.length}`);
    const out = new Float32Array(rows.length * d);
    for (let j = 0; j < d; j++) {
      const values = columns[j];
      const m = this.mean[j];
      const s = this.scale[j];
      for (let k = 0; k < rows.length; k++) {
        const v = values[rows[k]];
        const z = Number.isNaN(v) ? 0 : (v - m) / s;
        out[k * d + j] = z > this.clip ? this.clip : z < -this.clip ? -this.clip : z;
      }
    }
    return out;
  }

  toJSON(): StandardizerState {
    return { mean: Array.from(this.mean), scale: Array.from(this.scale), clip: this.clip };
  }
}
