import { existsSync, statSync } from "node:fs";
import Database from "better-sqlite3";
import { HomeforgeError } from "../core/errors.js";
import type { Interval } from "../models/evaluation/bootstrap.js";
import { type AbDecision, decideAb, signed } from "../models/lifecycle/abDecision.js";
import { decisionLine, fixed, table } from "../models/lifecycle/formatAbReport.js";
import type { ArmDifferenceOptions, ArmMetrics, OnlineAbStore } from "./onlineAb.js";

/** `homeforge ab --online --json`: per-arm metrics of an experiment, the difference and the decision. */
export interface OnlineAbReport {
  model: string;
  store: string;
  arms: ArmMetrics[];
  /** PR-AUC(b) − PR-AUC(a) over labelled predictions, unpaired (the arms hold different devices); null until both arms have both labels. */
  difference: (Interval & { homes: number }) | null;
  /** The offline rule (decideAb) on the unpaired interval; McNemar needs paired rows, so there is none. */
  decision: AbDecision;
}

/**
 * Checks, without writing to it, that `path` is an A/B experiment log (a SQLite file with
 * the store's predictions and feedback tables): OnlineAbStore.open would create them in any
 * file, which reading must not do. A one-line error naming `field` otherwise.
 */
export function checkAbStoreFile(path: string, field = "store"): void {
  const fix = "pass the SQLite file homeforge serve writes (default <models>/ab/online.sqlite)";
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw new HomeforgeError(
      field,
      `no A/B experiment log at ${path}`,
      "serve the model with an A/B split first (homeforge serve), or pass the log's path",
    );
  }
  let tables: string[] = [];
  try {
    const db = new Database(path, { readonly: true, fileMustExist: true });
    try {
      tables = (
        db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]
      ).map((t) => t.name);
    } finally {
      db.close();
    }
  } catch {
    throw new HomeforgeError(field, `${path} is not an A/B experiment log (not a SQLite database)`, fix);
  }
  for (const table of ["predictions", "feedback"])
    if (!tables.includes(table))
      throw new HomeforgeError(field, `${path} is not an A/B experiment log (it has no ${table} table)`, fix);
}

/**
 * The online A/B of `model` (the experiment's name) from the service's experiment log. One
 * line errors when the experiment has no predictions or only one arm.
 */
export function onlineAbReport(
  store: OnlineAbStore,
  model: string,
  options: ArmDifferenceOptions & { field?: string } = {},
): OnlineAbReport {
  const field = options.field ?? "model";
  const experiments = store.experiments();
  if (!experiments.includes(model)) {
    throw new HomeforgeError(
      field,
      `the A/B store ${store.path} has no predictions of an experiment named "${model}"`,
      experiments.length > 0
        ? `experiments in it: ${experiments.join(", ")}`
        : "serve the model with an A/B split and send it predictions first",
    );
  }
  const arms = store.armMetrics(model, options);
  const a = arms.find((m) => m.arm === "a");
  const b = arms.find((m) => m.arm === "b");
  if (!a || !b) {
    throw new HomeforgeError(
      field,
      `experiment "${model}" has predictions of arm ${(a ?? b)!.arm} only`,
      "give arm b a share of the traffic (and wait for predictions) before comparing",
    );
  }
  const interval = store.armDifference(model, options);
  const homes = a.homes + b.homes;
  const difference = interval ? { ...interval, homes } : null;
  const side = (m: ArmMetrics) => ({ ref: `arm ${m.arm}`, version: m.versions.join("+") });
  return {
    model,
    store: store.path,
    arms,
    difference,
    decision: decideAb({
      metric: "PR-AUC",
      a: side(a),
      b: side(b),
      homesLabel: "homes of both arms (unpaired)",
      difference: difference ?? {
        estimate: Number.NaN,
        lo: Number.NaN,
        hi: Number.NaN,
        level: options.level ?? 0.95,
        resamples: 0,
        homes,
        too_few: `an arm has no positive or no negative feedback label yet (a: ${a.labelled} labelled, ${a.positives} positive; b: ${b.labelled} labelled, ${b.positives} positive)`,
      },
      mcnemar: null,
    }),
  };
}

/** The online report as a small table for the terminal. */
export function formatOnlineAbReport(report: OnlineAbReport): string {
  const cell = (i: Interval | null) =>
    i ? `${fixed(i.estimate)} [${fixed(i.lo)}, ${fixed(i.hi)}]` : "n/a (needs both labels)";
  const rows = [
    ["arm", "version", "predictions", "labelled", "positives", "homes", "PR-AUC [95 % interval]", "accuracy"],
    ...report.arms.map((m) => [
      m.arm,
      m.versions.join(", "),
      String(m.predictions),
      String(m.labelled),
      String(m.positives),
      String(m.homes),
      cell(m.pr_auc),
      m.accuracy === null ? "n/a" : fixed(m.accuracy),
    ]),
  ];
  const d = report.difference;
  return [
    `online A/B of ${report.model} (${report.store})`,
    ...table(rows),
    `b − a PR-AUC: ${d ? `${signed(d.estimate)} [${signed(d.lo)}, ${signed(d.hi)}] (unpaired bootstrap over each arm's homes)` : "no interval yet"}`,
    decisionLine(report.decision),
  ].join("\n");
}
