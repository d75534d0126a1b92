/**
 * Table-driven draws for the event hot path: a normal or log-normal variate from a single
 * uniform, by linear interpolation in a table of quantiles (inverse-CDF sampling). No
 * log, sqrt or rejection loop per draw. The tables span the quantile levels
 * 0.5/N … 1 − 0.5/N (N = 4096), so draws are truncated at about ±3.5 sd — a 0.05 % tail
 * that no duration or sensor-noise statistic here can see.
 */

const N = 4096;

/** Standard normal quantile Φ⁻¹(p), Acklam's rational approximation (relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p <= 0) return Number.NEGATIVE_INFINITY;
  if (p >= 1) return Number.POSITIVE_INFINITY;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
      ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
    );
  }
  if (p > 1 - low) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) /
    (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
  );
}

const NORMAL_TABLE = Float64Array.from({ length: N }, (_, k) => normalQuantile((k + 0.5) / N));

/** Standard normal draw from one uniform u in [0, 1). */
export function normalFromUniform(u: number): number {
  const x = u * (N - 1);
  const k = x | 0;
  return NORMAL_TABLE[k] + (NORMAL_TABLE[k + 1 < N ? k + 1 : k] - NORMAL_TABLE[k]) * (x - k);
}

const logNormalTables = new Map<number, Float64Array>();

/** exp(sigma × z) at the table's quantiles; one table per sigma, shared. */
export function logNormalTable(sigma: number): Float64Array {
  let table = logNormalTables.get(sigma);
  if (!table) {
    table = new Float64Array(N + 1);
    for (let k = 0; k < N; k++) table[k] = Math.exp(sigma * NORMAL_TABLE[k]);
    table[N] = table[N - 1];
    logNormalTables.set(sigma, table);
  }
  return table;
}

/** Log-normal draw with median 1 from one uniform, given the sigma's table. */
export function logNormalFromUniform(table: Float64Array, u: number): number {
  const x = u * (N - 1);
  const k = x | 0;
  return table[k] + (table[k + 1] - table[k]) * (x - k);
}
