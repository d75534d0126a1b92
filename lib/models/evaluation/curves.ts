/**
 * ROC and precision–recall operating points of a scorer, for drawing: one point per distinct
 * score threshold (highest first), thinned so a report stores a few hundred points however
 * many rows were scored. The exact areas are metrics.ts's rocAuc and prAuc.
 */

/** False- and true-positive rates, from (0, 0) to (1, 1). */
export interface RocPoints {
  fpr: number[];
  tpr: number[];
}

/** Recall and precision at each threshold, recall rising; the last point is recall 1. */
export interface PrPoints {
  recall: number[];
  precision: number[];
}

/** At most about this many points per curve (the first and last always kept). */
export const CURVE_POINTS = 200;

/**
 * Both curves of `scores` against 0/1 `labels`; null when one class is absent (no curve is
 * defined). Tied scores form one threshold, as in rocAuc and prAuc.
 */
export function rankingCurves(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  maxPoints = CURVE_POINTS,
): { roc: RocPoints; pr: PrPoints } | null {
  let positives = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] === 1) positives++;
  const negatives = labels.length - positives;
  if (positives === 0 || negatives === 0) return null;
  const order = Int32Array.from({ length: scores.length }, (_, i) => i).sort(
    (a, b) => scores[b] - scores[a] || a - b,
  );
  const roc: RocPoints = { fpr: [0], tpr: [0] };
  const pr: PrPoints = { recall: [], precision: [] };
  let tp = 0;
  let fp = 0;
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end < order.length && scores[order[end]] === scores[order[start]]) {
      if (labels[order[end]] === 1) tp++;
      else fp++;
      end++;
    }
    roc.fpr.push(fp / negatives);
    roc.tpr.push(tp / positives);
    pr.recall.push(tp / positives);
    pr.precision.push(tp / (tp + fp));
    start = end;
  }
  const [fpr, tpr] = thin(roc.fpr, roc.tpr, maxPoints).map(rounded);
  const [recall, precision] = thin(pr.recall, pr.precision, maxPoints).map(rounded);
  return { roc: { fpr, tpr }, pr: { recall, precision } };
}

/** Six decimals: far below what a chart shows, and a third of the bytes. */
const rounded = (v: number[]) => v.map((x) => Math.round(x * 1e6) / 1e6);

/**
 * Keeps a point once the path has moved 2/maxPoints (L1) from the last kept one, and the
 * last point: a monotone curve (ROC) in the unit square is at most 2 long, so about maxPoints
 * stay. Precision is not monotone, so what is left over 2·maxPoints is then evenly strided.
 */
function thin(x: number[], y: number[], maxPoints: number): [number[], number[]] {
  if (x.length <= maxPoints) return [x, y];
  const [keptX, keptY] = byDistance(x, y, 2 / maxPoints);
  if (keptX.length <= 2 * maxPoints) return [keptX, keptY];
  const stride = Math.ceil(keptX.length / maxPoints);
  const pick = keptX.flatMap((_, i) => (i % stride === 0 || i === keptX.length - 1 ? [i] : []));
  return [pick.map((i) => keptX[i]), pick.map((i) => keptY[i])];
}

function byDistance(x: number[], y: number[], step: number): [number[], number[]] {
  const keptX = [x[0]];
  const keptY = [y[0]];
  for (let i = 1; i < x.length - 1; i++) {
    if (Math.abs(x[i] - keptX.at(-1)!) + Math.abs(y[i] - keptY.at(-1)!) >= step) {
      keptX.push(x[i]);
      keptY.push(y[i]);
    }
  }
  keptX.push(x.at(-1)!);
  keptY.push(y.at(-1)!);
  return [keptX, keptY];
}
