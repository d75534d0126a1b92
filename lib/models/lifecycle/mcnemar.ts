import { HomeforgeError } from "../../core/errors.js";

/**
 * McNemar's test of two classifiers decided on the same rows: only the discordant rows
 * count — `b01` where A is wrong and B right, `b10` where A is right and B wrong. Under
 * "equally accurate" each discordant row is a fair coin. Below EXACT_BELOW discordant rows
 * the two-sided exact binomial p-value is used, else χ² with 1 degree of freedom and
 * Edwards' continuity correction, (|b01 − b10| − 1)² / (b01 + b10).
 */

/** The exact binomial test is used when b01 + b10 is below this. */
export const EXACT_BELOW = 25;

export interface McNemarResult {
  /** Rows where A is wrong and B right. */
  b01: number;
  /** Rows where A is right and B wrong. */
  b10: number;
  /** Rows compared. */
  rows: number;
  method: "exact_binomial" | "chi_squared_continuity";
  /** The χ² statistic (null for the exact test). */
  statistic: number | null;
  /** Two-sided p-value of "A and B are equally accurate". */
  p_value: number;
}

/** McNemar's test from the discordant counts (`rows`: how many rows were compared, for the report). */
export function mcnemarFromCounts(b01: number, b10: number, rows = b01 + b10): McNemarResult {
  for (const [name, v] of [
    ["b01", b01],
    ["b10", b10],
  ] as const) {
    if (!Number.isInteger(v) || v < 0)
      throw new HomeforgeError(`mcnemar ${name}`, `${v} is not a count`, "pass a whole number ≥ 0");
  }
  const n = b01 + b10;
  if (n < EXACT_BELOW) {
    return { b01, b10, rows, method: "exact_binomial", statistic: null, p_value: exactTwoSided(b01, n) };
  }
  const statistic = (Math.abs(b01 - b10) - 1) ** 2 / n;
  return {
    b01,
    b10,
    rows,
    method: "chi_squared_continuity",
    statistic,
    p_value: Math.min(1, chiSquared1UpperTail(statistic)),
  };
}

/** McNemar's test from each row's correctness under A and B (1 = decided right). */
export function mcnemarTest(correctA: ArrayLike<number>, correctB: ArrayLike<number>): McNemarResult {
  if (correctA.length !== correctB.length)
    throw new HomeforgeError(
      "mcnemar",
      `${correctA.length} rows decided by A but ${correctB.length} by B`,
      "decide the same rows with both models",
    );
  let b01 = 0;
  let b10 = 0;
  for (let i = 0; i < correctA.length; i++) {
    const a = correctA[i] ? 1 : 0;
    const b = correctB[i] ? 1 : 0;
    if (a === 0 && b === 1) b01++;
    else if (a === 1 && b === 0) b10++;
  }
  return mcnemarFromCounts(b01, b10, correctA.length);
}

/** 2 · P(X ≤ min(k, n − k)) for X ~ Binomial(n, ½), capped at 1 (n = 0 gives 1). */
function exactTwoSided(k: number, n: number): number {
  const low = Math.min(k, n - k);
  let term = 0.5 ** n; // C(n, 0) / 2^n
  let tail = term;
  for (let i = 1; i <= low; i++) {
    term *= (n - i + 1) / i;
    tail += term;
  }
  return Math.min(1, 2 * tail);
}

/** P(χ²₁ > x) = erfc(√(x/2)). */
export function chiSquared1UpperTail(x: number): number {
  if (!(x > 0)) return 1;
  return erfc(Math.sqrt(x / 2));
}

/** Numerical Recipes' erfcc coefficients, constant term first. */
const ERFC_COEFFICIENTS = [
  -1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807, -1.13520398, 1.48851587,
  -0.82215223, 0.17087277,
];

/** Complementary error function (Numerical Recipes' erfcc: fractional error < 1.2e-7 everywhere). */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  let poly = 0;
  for (let k = ERFC_COEFFICIENTS.length - 1; k >= 0; k--) poly = poly * t + ERFC_COEFFICIENTS[k];
  const r = t * Math.exp(-z * z + poly);
  return x >= 0 ? r : 2 - r;
}
