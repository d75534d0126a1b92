import {
  closeSync,
  existsSync,
  fstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  writeSync,
} from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { SufficiencyReport } from "./sufficiency.js";
import type { DriftReport } from "./trainingSnapshot.js";
import type { TriggerResult } from "./triggers.js";

/**
 * The retraining history: `<models root>/retraining_history.jsonl`, one JSON object per
 * decision (trained or not), appended in one write with O_APPEND. A crash can still cut the
 * last write short: the next append starts on a fresh line (so the torn line never swallows a
 * good one), and the reader skips lines that do not parse, with a note naming them.
 */
export const RETRAINING_HISTORY_FILE = "retraining_history.jsonl";

export interface VersionRef {
  name: string;
  version: string;
}

export interface RetrainingEntry {
  format: "homeforge-retraining";
  format_version: 1;
  /** The served thing: "failure-router" or "synergy-gnn". */
  model: string;
  /** Wall-clock time of the decision (a fact about the run, not generated data). */
  at: string;
  dry_run: boolean;
  dataset: { id: string; dir: string };
  served_before: (VersionRef & { dataset_id: string | null; created_at: string }) | null;
  served_after: VersionRef | null;
  sufficiency: SufficiencyReport;
  triggers: TriggerResult[];
  /** Drift per served version (null report: no snapshot stored with it). */
  drift: { model: string; version: string; report: DriftReport | null }[];
  /** "train": a candidate was (or, on a dry run, would be) trained; "skip": why not in `reason`. */
  decision: "train" | "skip";
  reason: string;
  candidate: VersionRef | null;
  /** The training run's verdict on validation homes (null when nothing was trained). */
  verdict: { outcome: "promoted" | "partly_promoted" | "kept"; reason: string } | null;
  lineage_run_id: string | null;
}

export function retrainingHistoryPath(modelsDir: string): string {
  return join(resolve(modelsDir), RETRAINING_HISTORY_FILE);
}

/** Appends one entry as one line. */
export function appendRetrainingEntry(modelsDir: string, entry: RetrainingEntry): void {
  const path = retrainingHistoryPath(modelsDir);
  mkdirSync(dirname(path), { recursive: true });
  const fd = openSync(path, "a+");
  try {
    const size = fstatSync(fd).size;
    let lead = "";
    if (size > 0) {
      const last = Buffer.alloc(1);
      readSync(fd, last, 0, 1, size - 1);
      if (last[0] !== 0x0a) lead = "\n"; // a torn last line: start on a fresh one
    }
    writeSync(fd, `${lead}${JSON.stringify(entry)}\n`);
  } finally {
    closeSync(fd);
  }
}

export interface RetrainingHistory {
  entries: RetrainingEntry[];
  /** Lines that did not parse (a write cut short by a crash), by line number. */
  notes: string[];
}

/** The history, oldest first; only `model`'s entries when given. A missing file is an empty history. */
export function readRetrainingHistory(modelsDir: string, model?: string): RetrainingHistory {
  const path = retrainingHistoryPath(modelsDir);
  if (!existsSync(path)) return { entries: [], notes: [] };
  const entries: RetrainingEntry[] = [];
  const notes: string[] = [];
  readFileSync(path, "utf8")
    .split("\n")
    .forEach((line, i) => {
      if (line.trim() === "") return;
      let parsed: Partial<RetrainingEntry>;
      try {
        parsed = JSON.parse(line);
      } catch {
        notes.push(`${path} line ${i + 1} is not a whole JSON object (a write cut short?): skipped`);
        return;
      }
      if (parsed.format !== "homeforge-retraining") {
        notes.push(`${path} line ${i + 1} is not a retraining entry: skipped`);
        return;
      }
      if (model === undefined || parsed.model === model) entries.push(parsed as RetrainingEntry);
    });
  return { entries, notes };
}

/** The history as a table: one line per decision. */
export function formatRetrainingHistory(history: RetrainingHistory): string {
  const header = [
    "at",
    "model",
    "dataset",
    "served before",
    "fired",
    "decision",
    "candidate",
    "verdict",
    "served after",
  ];
  const v = (r: VersionRef | null) => (r ? r.version : "-");
  const rows = history.entries.map((e) => [
    e.at.replace(/\.\d+Z$/, "Z"),
    e.model,
    e.dataset.id,
    v(e.served_before),
    e.triggers
      .filter((t) => t.fired)
      .map((t) => t.trigger)
      .join(",") || "-",
    `${e.decision}${e.dry_run ? " (dry run)" : ""}`,
    v(e.candidate),
    e.verdict ? e.verdict.outcome : "-",
    v(e.served_after),
  ]);
  const lines = [header, ...rows];
  const widths = header.map((_, j) => Math.max(...lines.map((l) => l[j].length)));
  const text = lines.map((l) =>
    l
      .map((c, j) => c.padEnd(widths[j]))
      .join("  ")
      .trimEnd(),
  );
  text.splice(1, 0, widths.map((w) => "-".repeat(w)).join("  "));
  if (history.entries.length === 0) text.push("(no retraining decisions yet)");
  for (const e of history.entries.slice(-1)) {
    text.push("", `last ${e.model}: ${e.reason}`);
    if (e.verdict) text.push(`  verdict: ${e.verdict.reason}`);
  }
  for (const n of history.notes) text.push(`note: ${n}`);
  return `${text.join("\n")}\n`;
}
