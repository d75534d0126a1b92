import type { Interval } from "../evaluation/bootstrap.js";
import type { McNemarResult } from "./mcnemar.js";

/**
 * The A/B decision rule, offline and online: B replaces A only when the interval of
 * metric(B) − metric(A) lies above 0; A is shown better when it lies below 0; otherwise
 * (or with no interval) there is no detectable difference and A is kept. McNemar's test,
 * when there is one, is reported beside it: it tests accuracy at the served thresholds,
 * the interval tests the ranking metric, so the two can disagree and the reason says so.
 */

/** McNemar's p-value below this counts as a difference in accuracy. */
export const MCNEMAR_ALPHA = 0.05;

export type AbChoice = "a" | "b" | "no_difference";

/** One side of an A/B, as the reason names it: `b (candidate, v3)`. */
export interface AbSide {
  ref: string;
  version: string;
}

/** The difference metric(b) − metric(a) with its interval and what it was computed on. */
export interface AbDifference extends Interval {
  /** Homes behind the interval (held-out homes, or both arms' homes online). */
  homes: number;
  /** Why there is no interval (too few homes or positives), when there is none. */
  too_few?: string;
}

export interface AbDecision {
  choice: AbChoice;
  /** The side to serve: b when b is better, else a. */
  keep: "a" | "b";
  /** True when McNemar points the same way (b or a better at p < α; no difference at p ≥ α); null without a test. */
  mcnemar_agrees: boolean | null;
  /** One sentence quoting the numbers. */
  reason: string;
}

export interface DecideAbInput {
  /** How the reason names the metric, e.g. "PR-AUC". */
  metric: string;
  a: AbSide;
  b: AbSide;
  difference: AbDifference;
  /** What the homes are, e.g. "held-out homes" (default). */
  homesLabel?: string;
  mcnemar?: McNemarResult | null;
}

/** The decision with its reason (see the module comment for the rule). */
export function decideAb(input: DecideAbInput): AbDecision {
  const d = input.difference;
  const sideText = (s: "a" | "b") => `${s} (${input[s].ref}, ${input[s].version})`;
  const homes = `${d.homes} ${input.homesLabel ?? "held-out homes"}`;
  const hasInterval = d.resamples > 0 && Number.isFinite(d.lo) && Number.isFinite(d.hi);
  const choice: AbChoice = !hasInterval ? "no_difference" : d.lo > 0 ? "b" : d.hi < 0 ? "a" : "no_difference";
  const level = `${Math.round(d.level * 100)} %`;
  const numbers = hasInterval
    ? `${input.metric} b − a = ${signed(d.estimate)}, ${level} interval [${signed(d.lo)}, ${signed(d.hi)}] over ${homes}`
    : `${input.metric} b − a = ${signed(d.estimate)} with no interval: ${d.too_few ?? `no resample defined it over ${homes}`}`;
  const test = input.mcnemar ?? null;
  const agrees = test === null ? null : mcnemarAgrees(choice, test);
  const testText =
    test === null
      ? ""
      : `; McNemar at the served thresholds ${agrees ? "agrees" : "does not agree"} (b01 ${test.b01}, b10 ${test.b10}, ${formatP(test.p_value)})`;
  let head: string;
  if (choice === "b") head = `${sideText("b")} is better: ${numbers} lies above 0`;
  else if (choice === "a") head = `${sideText("a")} is better, keep it: ${numbers} lies below 0`;
  else
    head = `no detectable difference, keep ${sideText("a")}: ${numbers}${hasInterval ? " includes 0" : ""}`;
  return { choice, keep: choice === "b" ? "b" : "a", mcnemar_agrees: agrees, reason: `${head}${testText}.` };
}

function mcnemarAgrees(choice: AbChoice, test: McNemarResult): boolean {
  const significant = test.p_value < MCNEMAR_ALPHA;
  if (choice === "b") return significant && test.b01 > test.b10;
  if (choice === "a") return significant && test.b10 > test.b01;
  return !significant;
}

/** +0.0123 / −0.0040: four decimals with an explicit sign. */
export function signed(x: number): string {
  if (!Number.isFinite(x)) return "n/a";
  const text = Math.abs(x).toFixed(4);
  return x < 0 && Number(text) !== 0 ? `−${text}` : `+${text}`;
}

/** A p-value for the reader: "p = 0.0826" (three significant digits), "p < 0.0001" below that. */
export function formatP(p: number): string {
  if (!Number.isFinite(p)) return "p n/a";
  return p < 1e-4 ? "p < 0.0001" : `p = ${p.toPrecision(3)}`;
}
