import type { Interval } from "../evaluation/bootstrap.js";
import { type AbDecision, formatP, signed } from "./abDecision.js";
import type { AbComparison, AbVersionScore, OfflineAbReport } from "./abTypes.js";

/** The offline A/B report as a small table for the terminal (`homeforge ab`). */
export function formatAbReport(report: OfflineAbReport): string {
  const { versions: v } = report;
  const lines = [
    `offline A/B of ${report.model} (${report.kind}) on ${report.dataset.id} (seed ${report.dataset.seed}): ${report.held_out.homes} of ${report.dataset.homes} homes held out (neither version trained or validated on them); bootstrap seed ${report.seed}, ${report.resamples} resamples`,
  ];
  for (const side of ["a", "b"] as const)
    for (const s of report.held_out.seen_by[side]) lines.push(`  ${side}: ${s.note}`);
  for (const c of report.comparisons) {
    lines.push(
      "",
      `${c.label}: ${c.rows} ${report.kind === "synergy_gnn" ? "pairs" : "rows"}, ${c.homes} homes, ${c.positives} positives`,
    );
    const rows = [
      [
        "",
        "ref",
        "version",
        `${report.metric_label} [${level(c.a.metric)} interval]`,
        "accuracy",
        "threshold",
      ],
      sideRow("a", v.a.ref, v.a.version, c.a),
      sideRow("b", v.b.ref, v.b.version, c.b),
      ["b − a", "", "", differenceText(c), "", ""],
    ];
    lines.push(...table(rows), `  b − a: ${verdictText(c)}`);
    for (const side of ["a", "b"] as const) {
      const t = c[side].thresholds;
      if (t.length > 1)
        lines.push(
          `  ${side} thresholds: ${t.map((x) => `${x.model} ${x.version} ${x.threshold.toFixed(4)} (${x.rows} rows)`).join(", ")}`,
        );
    }
    const m = c.mcnemar;
    const method =
      m.method === "exact_binomial"
        ? "exact binomial"
        : `χ² ${m.statistic!.toFixed(3)} with continuity correction`;
    lines.push(
      `McNemar at the served thresholds: b01 ${m.b01} (a wrong, b right), b10 ${m.b10} (a right, b wrong), ${method}, ${formatP(m.p_value)}`,
    );
  }
  lines.push("", decisionLine(report.decision));
  return lines.join("\n");
}

function sideRow(side: string, ref: string, version: string, s: AbVersionScore): string[] {
  const threshold =
    s.thresholds.length === 1 ? s.thresholds[0].threshold.toFixed(4) : `${s.thresholds.length} routed`;
  return [side, ref, version, intervalText(s.metric), fixed(s.accuracy), threshold];
}

function differenceText(c: AbComparison): string {
  const d = c.difference;
  return d.verdict === "too_few"
    ? `${signed(d.estimate)}`
    : `${signed(d.estimate)} [${signed(d.lo)}, ${signed(d.hi)}]`;
}

function verdictText(c: AbComparison): string {
  const d = c.difference;
  if (d.verdict === "too_few") return `no interval: ${d.too_few}`;
  const word =
    d.verdict === "no_difference"
      ? "no detectable difference (the interval includes 0)"
      : d.verdict.replace("_", " ");
  return `paired bootstrap over ${d.homes} homes (both versions on the same resampled homes): ${word}`;
}

function intervalText(i: Interval): string {
  return `${fixed(i.estimate)} [${fixed(i.lo)}, ${fixed(i.hi)}]`;
}

function level(i: Interval): string {
  return `${Math.round(i.level * 100)} %`;
}

/** `decision: b — <reason>` (or "no difference (keep a)"). */
export function decisionLine(decision: AbDecision): string {
  return `decision: ${decision.choice === "no_difference" ? "no difference (keep a)" : decision.choice} — ${decision.reason}`;
}

/** Four decimals, "n/a" for an undefined value. */
export function fixed(x: number): string {
  return Number.isFinite(x) ? x.toFixed(4) : "n/a";
}

/** Left-aligned columns, two spaces apart. */
export function table(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0].map((_, j) => Math.max(...rows.map((r) => r[j].length)));
  return rows.map((r) =>
    r
      .map((cell, j) => cell.padEnd(widths[j]))
      .join("  ")
      .trimEnd(),
  );
}
