import { mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import Database from "better-sqlite3";
import { HomeforgeError } from "../core/errors.js";
import { Rng } from "../core/random.js";
import {
  bootstrapMetrics,
  DEFAULT_LEVEL,
  DEFAULT_RESAMPLES,
  type Interval,
  percentileInterval,
} from "../models/evaluation/bootstrap.js";
import { prAuc } from "../models/evaluation/metrics.js";

/**
 * Online A/B testing of two versions of a served model: devices are split between arm "a"
 * and arm "b" by a stable hash (the same device always lands in the same arm, on any
 * process), every prediction is logged with its arm and version, feedback labels arrive
 * later by prediction id, and per-arm metrics accumulate from the labelled predictions.
 * Arms hold different devices, so the difference between them is an unpaired bootstrap
 * over homes within each arm.
 */

export type Arm = "a" | "b";

export interface AbSplit {
  /** Registry name of the model under test (the experiment's name). */
  model: string;
  /** Refs of the two versions (production, candidate, v3 …). */
  a: string;
  b: string;
  /** Share of devices sent to arm b, in [0, 1]. */
  share: number;
  /** Changes the assignment of every device (a new experiment); default: the model name. */
  salt?: string;
}

export interface LoggedPrediction {
  prediction_id: string;
  experiment: string;
  arm: Arm;
  served_model: string;
  served_version: string;
  home_id: string;
  entity_id: string;
  day: string;
  probability: number;
  threshold: number;
  logged_at: string;
}

export interface ArmMetrics {
  arm: Arm;
  /** Versions this arm served, in the order first logged (a promotion mid-experiment adds one). */
  versions: string[];
  predictions: number;
  labelled: number;
  positives: number;
  homes: number;
  /** Over labelled predictions, bootstrap over homes; null with fewer than 1 positive and 1 negative. */
  pr_auc: Interval | null;
  precision: Interval | null;
  recall: Interval | null;
  /** Share of labelled predictions decided right at their threshold (point estimate). */
  accuracy: number | null;
}

export interface ArmDifferenceOptions {
  resamples?: number;
  level?: number;
  seed?: number;
}

/** Where `homeforge serve` keeps the experiment log by default. */
export function defaultAbStorePath(modelsDir: string): string {
  return join(resolve(modelsDir), "ab", "online.sqlite");
}

/** Checks a split; a one-line error naming the field otherwise. */
export function checkAbSplit(split: AbSplit): AbSplit {
  if (!(split.share >= 0 && split.share <= 1)) {
    throw new HomeforgeError("ab.share", `${split.share} is not a share between 0 and 1`, "pass e.g. 0.2");
  }
  if (split.a === split.b) {
    throw new HomeforgeError(
      "ab.b",
      `both arms serve ${split.a}`,
      "give arm b another version, e.g. candidate",
    );
  }
  return split;
}

/** The device's arm: a stable 32-bit hash of (salt, home, entity) against the share. */
export function assignArm(homeId: string, entityId: string, split: AbSplit): Arm {
  const u = stableHash32(`${split.salt ?? split.model}\u0000${homeId}\u0000${entityId}`) / 2 ** 32;
  return u < split.share ? "b" : "a";
}

/** FNV-1a over UTF-16 code units, then murmur3's finaliser so nearby keys spread. */
export function stableHash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS predictions (
  prediction_id TEXT PRIMARY KEY,
  experiment TEXT NOT NULL,
  arm TEXT NOT NULL CHECK (arm IN ('a', 'b')),
  served_model TEXT NOT NULL,
  served_version TEXT NOT NULL,
  home_id TEXT NOT NULL,
  entity_id TEXT NOT NULL,
  day TEXT NOT NULL,
  probability REAL NOT NULL,
  threshold REAL NOT NULL,
  logged_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS predictions_by_experiment ON predictions (experiment, arm);
CREATE TABLE IF NOT EXISTS feedback (
  prediction_id TEXT PRIMARY KEY REFERENCES predictions (prediction_id),
  label INTEGER NOT NULL CHECK (label IN (0, 1)),
  received_at TEXT NOT NULL
);
`;

/** Buffered rows are written when this many wait, or on the next flush (feedback, metrics, timer, close). */
const FLUSH_ROWS = 256;
const FLUSH_MS = 200;

interface LabelledRow {
  arm: Arm;
  served_version: string;
  home_id: string;
  probability: number;
  threshold: number;
  label: number | null;
}

/** The experiment log (SQLite, WAL): predictions and their feedback labels. */
export class OnlineAbStore {
  readonly path: string;
  private readonly db: Database.Database;
  private readonly insert: Database.Statement;
  private readonly now: () => number;
  private buffer: LoggedPrediction[] = [];
  private timer: NodeJS.Timeout | null = null;

  private constructor(path: string, now: () => number) {
    this.path = path;
    this.now = now;
    try {
      if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
      this.db = new Database(path);
      this.db.pragma("journal_mode = WAL");
      this.db.pragma("synchronous = NORMAL");
      this.db.pragma("busy_timeout = 5000");
      this.db.pragma("foreign_keys = ON");
      this.db.exec(SCHEMA);
    } catch (e) {
      throw new HomeforgeError(
        "ab store",
        `cannot open the A/B store ${path} (${(e as Error).message})`,
        "pass a writable SQLite file path (e.g. --ab-store models/ab/online.sqlite)",
      );
    }
    this.insert = this.db.prepare(
      `INSERT OR IGNORE INTO predictions (prediction_id, experiment, arm, served_model, served_version, home_id, entity_id, day, probability, threshold, logged_at)
       VALUES (@prediction_id, @experiment, @arm, @served_model, @served_version, @home_id, @entity_id, @day, @probability, @threshold, @logged_at)`,
    );
  }

  static open(path: string, options: { now?: () => number } = {}): OnlineAbStore {
    return new OnlineAbStore(path === ":memory:" ? path : resolve(path), options.now ?? Date.now);
  }

  /** Queues predictions; they are in the database after the next flush (at most FLUSH_MS later). */
  logPredictions(rows: readonly LoggedPrediction[]): void {
    for (const row of rows) this.buffer.push(row);
    if (this.buffer.length >= FLUSH_ROWS) this.flush();
    else if (!this.timer && this.buffer.length > 0) {
      this.timer = setTimeout(() => this.flush(), FLUSH_MS);
      this.timer.unref();
    }
  }

  /** Writes the queued predictions in one transaction. */
  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.buffer.length === 0) return;
    const rows = this.buffer;
    this.buffer = [];
    this.db.transaction(() => {
      for (const row of rows) this.insert.run(row);
    })();
  }

  /** Stores (or replaces) the label of a logged prediction; false when the id is unknown. */
  recordFeedback(predictionId: string, label: 0 | 1): boolean {
    this.flush();
    const known = this.db.prepare("SELECT 1 FROM predictions WHERE prediction_id = ?").get(predictionId);
    if (!known) return false;
    this.db
      .prepare("INSERT OR REPLACE INTO feedback (prediction_id, label, received_at) VALUES (?, ?, ?)")
      .run(predictionId, label, new Date(this.now()).toISOString());
    return true;
  }

  /** Experiments with logged predictions, by name. */
  experiments(): string[] {
    this.flush();
    return (
      this.db.prepare("SELECT DISTINCT experiment FROM predictions ORDER BY experiment").all() as {
        experiment: string;
      }[]
    ).map((r) => r.experiment);
  }

  /** Per-arm counts and metrics over the labelled predictions of an experiment (arms in a, b order). */
  armMetrics(experiment: string, options: ArmDifferenceOptions = {}): ArmMetrics[] {
    const rows = this.rows(experiment);
    return (["a", "b"] as const)
      .map((arm) =>
        armMetricsOf(
          arm,
          rows.filter((r) => r.arm === arm),
          options,
        ),
      )
      .filter((m) => m.predictions > 0);
  }

  /**
   * metric(b) − metric(a) on labelled predictions (PR-AUC), an unpaired bootstrap: each
   * resample draws homes with replacement within each arm. Null when an arm has no
   * positive or no negative label.
   */
  armDifference(experiment: string, options: ArmDifferenceOptions = {}): Interval | null {
    const rows = this.rows(experiment).filter((r) => r.label !== null);
    const a = rows.filter((r) => r.arm === "a");
    const b = rows.filter((r) => r.arm === "b");
    if (!defined(a) || !defined(b)) return null;
    const estimate = prAucOf(b) - prAucOf(a);
    const rng = new Rng(options.seed ?? 0);
    const resamples = options.resamples ?? DEFAULT_RESAMPLES;
    const byHomeA = groupByHome(a);
    const byHomeB = groupByHome(b);
    const diffs: number[] = [];
    for (let r = 0; r < resamples; r++)
      diffs.push(prAucOf(resample(byHomeB, rng)) - prAucOf(resample(byHomeA, rng)));
    return percentileInterval(estimate, diffs, options.level ?? DEFAULT_LEVEL);
  }

  close(): void {
    this.flush();
    this.db.close();
  }

  private rows(experiment: string): LabelledRow[] {
    this.flush();
    return this.db
      .prepare(
        `SELECT p.arm, p.served_version, p.home_id, p.probability, p.threshold, f.label
         FROM predictions p LEFT JOIN feedback f ON f.prediction_id = p.prediction_id
         WHERE p.experiment = ? ORDER BY p.rowid`,
      )
      .all(experiment) as LabelledRow[];
  }
}

function armMetricsOf(arm: Arm, rows: LabelledRow[], options: ArmDifferenceOptions): ArmMetrics {
  const labelled = rows.filter((r) => r.label !== null);
  const positives = labelled.filter((r) => r.label === 1).length;
  const versions = [...new Set(rows.map((r) => r.served_version))];
  let intervals: Pick<ArmMetrics, "pr_auc" | "precision" | "recall"> = {
    pr_auc: null,
    precision: null,
    recall: null,
  };
  if (defined(labelled)) {
    const decisions = Uint8Array.from(labelled, (r) => (r.probability >= r.threshold ? 1 : 0));
    const m = bootstrapMetrics(
      { labels: labelled.map((r) => r.label as number), homes: labelled.map((r) => r.home_id) },
      { scores: labelled.map((r) => r.probability), threshold: 0.5, decisions },
      ["pr_auc", "precision", "recall"],
      { seed: options.seed ?? 0, resamples: options.resamples, level: options.level },
    );
    intervals = { pr_auc: m.pr_auc, precision: m.precision, recall: m.recall };
  }
  const correct = labelled.filter((r) => (r.probability >= r.threshold ? 1 : 0) === r.label).length;
  return {
    arm,
    versions,
    predictions: rows.length,
    labelled: labelled.length,
    positives,
    homes: new Set(rows.map((r) => r.home_id)).size,
    ...intervals,
    accuracy: labelled.length > 0 ? correct / labelled.length : null,
  };
}

function defined(rows: readonly LabelledRow[]): boolean {
  return rows.some((r) => r.label === 1) && rows.some((r) => r.label === 0);
}

function prAucOf(rows: readonly LabelledRow[]): number {
  return prAuc(
    rows.map((r) => r.label as number),
    rows.map((r) => r.probability),
  );
}

function groupByHome(rows: readonly LabelledRow[]): LabelledRow[][] {
  const groups = new Map<string, LabelledRow[]>();
  for (const r of rows) {
    const g = groups.get(r.home_id) ?? [];
    g.push(r);
    groups.set(r.home_id, g);
  }
  return [...groups.values()];
}

function resample(homes: readonly LabelledRow[][], rng: Rng): LabelledRow[] {
  const out: LabelledRow[] = [];
  for (let k = 0; k < homes.length; k++) out.push(...homes[rng.int(0, homes.length - 1)]);
  return out;
}
