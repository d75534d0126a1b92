import type { HomeChanges } from "./homeChanges.js";
import { localHours } from "./localHours.js";
import { PairCounts } from "./pairCounts.js";
import { jsonNumbers, quotedAll } from "./patternJson.js";
import type { PatternRows } from "./patternRows.js";
import { ZeroedScratch } from "./zeroedScratch.js";

/** Memory kept between calls (the miner runs once per home; synchronous use only). */
const transitionScratch = new ZeroedScratch();
let hourBuffer = new Uint8Array(0);

/** `transition` rows of one home: per entity and (from → to) state pair, confidence = P(to | from). */
export function transitions(home: string, changes: HomeChanges, out: PatternRows): void {
  const { count, previous, token } = changes;
  const tokens = changes.tokenState.length;
  const pairs = new PairCounts(tokens, transitionScratch);
  const fromCounts = new Uint32Array(tokens);
  const quotedState = quotedAll(changes.tokenState);
  for (let c = 0; c < count; c++) {
    const from = previous[c];
    if (from < 0) continue;
    pairs.add(from * tokens + token[c]);
    fromCounts[from]++;
  }
  for (const key of pairs.keys) {
    const n = pairs.get(key);
    const from = Math.floor(key / tokens);
    const to = key - from * tokens;
    out.push(
      home,
      changes.entityIds[changes.tokenEntity[from]],
      "transition",
      `{"from":${quotedState[from]},"to":${quotedState[to]}}`,
      n / fromCounts[from],
      n,
    );
  }
}

/**
 * `peak_hours` rows of one home: per entity the local hours carrying ≥ peakFactor × the mean
 * hourly activity; confidence = share of the entity's state changes in those hours.
 */
export function peakHours(
  home: string,
  timeZone: string,
  changes: HomeChanges,
  peakFactor: number,
  minOccurrences: number,
  out: PatternRows,
): void {
  const entities = changes.entityIds.length;
  const { count, token, tokenEntity } = changes;
  if (hourBuffer.length < count)
    hourBuffer = new Uint8Array(Math.max(count, Math.ceil(hourBuffer.length * 1.5)));
  const hour = hourBuffer.subarray(0, count);
  localHours(changes.time, count, timeZone, hour);
  const hist = new Uint32Array(entities * 24);
  for (let c = 0; c < count; c++) hist[tokenEntity[token[c]] * 24 + hour[c]]++;
  const quotedZone = JSON.stringify(timeZone);
  for (let e = 0; e < entities; e++) {
    const counts = hist.subarray(e * 24, e * 24 + 24);
    let total = 0;
    for (let h = 0; h < 24; h++) total += counts[h];
    if (total < minOccurrences) continue;
    const hours: number[] = [];
    let inPeak = 0;
    for (let h = 0; h < 24; h++) {
      if (counts[h] >= (peakFactor * total) / 24) {
        hours.push(h);
        inPeak += counts[h];
      }
    }
    if (hours.length === 0 || inPeak < minOccurrences) continue;
    out.push(
      home,
      changes.entityIds[e],
      "peak_hours",
      `{"hours":${jsonNumbers(hours)},"hour_counts":${jsonNumbers(counts)},"time_zone":${quotedZone}}`,
      inPeak / total,
      inPeak,
    );
  }
}
