import { LAG_WINDOWS_MS, type PairEvidence } from "./synergyTypes.js";

/**
 * A short reason for a scored pair, in the words a user checks it by: how often the action
 * followed the trigger within the tightest window that holds most of the evidence, against
 * chance, and how consistent the delay was. E.g. "action followed trigger within 5 s in 41
 * of 52 onsets (chance 0.3); median delay 2.4 s; same area".
 */
export function pairReason(evidence: PairEvidence, sameArea: boolean): string {
  const parts: string[] = [];
  if (evidence.triggerOnsets === 0) {
    parts.push("trigger never entered its state in the observed history");
  } else {
    const w = reasonWindow(evidence);
    const followed = evidence.followed[w];
    parts.push(
      `action followed trigger within ${seconds(LAG_WINDOWS_MS[w])} in ${followed} of ${evidence.triggerOnsets} onsets (chance ${round1(evidence.chance[w])})`,
    );
    if (evidence.medianDelayMs !== null) {
      const spread = evidence.delayLogSd === null ? "" : `, ${delaySpread(evidence.delayLogSd)}`;
      parts.push(`median delay ${seconds(evidence.medianDelayMs)}${spread}`);
    }
    if (evidence.reverseFollowed > 0 && evidence.actionOnsets > 0) {
      parts.push(
        `trigger followed action ${evidence.reverseFollowed} time${evidence.reverseFollowed === 1 ? "" : "s"}`,
      );
    }
  }
  parts.push(sameArea ? "same area" : "different areas");
  return parts.join("; ");
}

/** The smallest window holding at least 80 % of the 120 s window's follows (the widest when none). */
function reasonWindow(evidence: PairEvidence): number {
  const widest = LAG_WINDOWS_MS.length - 1;
  const total = evidence.followed[widest];
  if (total === 0) return 1; // 30 s: the window users think in
  for (let w = 0; w < widest; w++) if (evidence.followed[w] >= 0.8 * total) return w;
  return widest;
}

function delaySpread(logSd: number): string {
  if (logSd < 0.35) return "consistent";
  if (logSd < 0.8) return "somewhat variable";
  return "variable";
}

function seconds(ms: number): string {
  const s = ms / 1000;
  if (s >= 60 && Number.isInteger(s / 60)) return `${s / 60} min`;
  return s >= 10 || Number.isInteger(s) ? `${Math.round(s)} s` : `${s.toFixed(1)} s`;
}

function round1(x: number): string {
  if (x >= 10) return x.toFixed(0);
  return x >= 0.1 || x === 0 ? x.toFixed(1) : x.toFixed(2);
}
