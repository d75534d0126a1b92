/**
 * Every default homeforge applies, in one place, with the reason where two differ.
 *
 * `generate` defaults to a quick dataset (100 homes × 30 days: seconds, enough to look at);
 * the main job (`npm run pipeline`) defaults to a dataset big enough to train and compare
 * per-home-type models honestly (200 homes × 60 days: every home type gets validation and
 * test homes with positives, and rolling 7/14-day windows have history to look back on).
 */
export const DEFAULTS = {
  /** Root seed of data and training alike. */
  seed: 42,
  generate: { homes: 100, days: 30, start: "2025-01-01" },
  pipeline: { homes: 200, days: 60, epochs: 12, synergyEpochs: 60 },
  /** FailureClassifier's own default when nobody passes epochs (early stopping ends most fits sooner). */
  classifierEpochs: 30,
  cacheTtlHours: 24,
} as const;
