import type { DifferenceVerdict } from "../evaluation/bootstrap.js";
import {
  type CutEvaluation,
  cutLabel,
  type HomeMetricSummary,
  type SynergyScorerEvaluation,
} from "./evaluateSynergyScorers.js";

/**
 * The terminal table "GNN vs baselines by amount of history": average precision per scorer
 * per cut as `mean [lo, hi]`, AP and ROC-AUC on the hard problem (links vs confounded negatives),
 * and one row per baseline with the paired difference reference − baseline and its verdict.
 */
export function formatSynergyTable(result: SynergyScorerEvaluation): string {
  const { cuts, reference } = result;
  const header = ["", ...cuts.map(cutHeading)];
  const scorerNames: string[] = [];
  for (const c of cuts)
    for (const s of c.scorers) if (!scorerNames.includes(s.scorer)) scorerNames.push(s.scorer);
  const block = (pick: "averagePrecision" | "hardNegativeAp" | "hardNegativeRocAuc") =>
    scorerNames.map((name) => [
      name,
      ...cuts.map((c) => {
        const s = c.scorers.find((x) => x.scorer === name);
        return s ? intervalCell(s[pick]) : "—";
      }),
    ]);
  const others = scorerNames.filter((n) => n !== reference);
  const verdicts = others.map((name) => [
    `${reference} − ${name}`,
    ...cuts.map((c) => {
      const d = c.apDifferences.find((x) => x.scorer === name);
      if (!d) return "—";
      const range = d.lo === null || d.hi === null ? "" : ` [${signed(d.lo)}, ${signed(d.hi)}]`;
      return `${signed(d.estimate)}${range} ${VERDICT_WORD[d.verdict]}`;
    }),
  ]);
  const counts = [
    ["homes / links / confounded", ...cuts.map((c) => `${c.homes} / ${c.positives} / ${c.hardNegatives}`)],
  ];
  const level = Math.round(result.level * 100);
  const sections: [string, string[][]][] = [
    [
      `Average precision on test homes, mean over homes [${level} % bootstrap interval over homes]`,
      block("averagePrecision"),
    ],
    ["Average precision, links vs confounded negatives only", block("hardNegativeAp")],
    [
      "ROC-AUC, links vs confounded negatives only (0.5 = fooled by the confounders)",
      block("hardNegativeRocAuc"),
    ],
    [
      `Paired AP difference, ${level} % interval over homes ("better" / "worse": it excludes 0; "n.s.": it does not)`,
      verdicts,
    ],
    ["Evaluated", counts],
  ];
  const rows = [header, ...sections.flatMap(([, r]) => r)];
  const widths = header.map((_, j) => Math.max(...rows.map((r) => r[j].length)));
  const line = (r: string[]) =>
    r
      .map((cell, j) => cell.padEnd(widths[j]))
      .join("  ")
      .trimEnd();
  const out = [line(header)];
  for (const [title, body] of sections) {
    out.push(title);
    for (const r of body) out.push(line(r));
  }
  return out.join("\n");
}

const VERDICT_WORD: Record<DifferenceVerdict, string> = {
  a_beats_b: "better",
  b_beats_a: "worse",
  no_difference: "n.s.",
  too_few: "too few",
};

function cutHeading(c: CutEvaluation): string {
  return c.historyDays === null ? `full (${c.observedDays} d)` : cutLabel(c.historyDays);
}

function intervalCell(s: HomeMetricSummary): string {
  if (s.mean === null) return "n/a";
  const range = s.lo === null || s.hi === null ? "" : ` [${s.lo.toFixed(3)}, ${s.hi.toFixed(3)}]`;
  return `${s.mean.toFixed(3)}${range}`;
}

function signed(x: number | null): string {
  if (x === null) return "n/a";
  return `${x >= 0 ? "+" : ""}${x.toFixed(3)}`;
}
