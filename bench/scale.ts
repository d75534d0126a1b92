/**
 * The scale target of issue 16: 1 000 homes × 365 days (~3×10⁸ events) generated on this
 * 2-core machine in ≤ 5 minutes with peak RSS ≤ 1.5 GB (main thread and workers together).
 * One fresh child process (bench/memory.ts), no cache; prints the numbers and whether each
 * target holds. Not part of `npm run bench` (it runs for minutes); `npm run bench:scale`.
 *
 *   npx tsx bench/scale.ts [--homes 1000] [--days 365] [--workers 2]
 */
import { measureGeneration } from "./memory.js";

const TARGET_SECONDS = 300;
const TARGET_RSS_MB = 1536;

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

const homes = Number(flag("homes", "1000"));
const days = Number(flag("days", "365"));
const workers = Number(flag("workers", "2"));
console.log(`generating ${homes} homes × ${days} days on ${workers} worker(s), no cache …`);
const m = measureGeneration(homes, days, workers);
const events = m.rows.events ?? 0;
const rate = events / m.seconds;
console.log(
  `${events.toLocaleString("en-US")} events, ${(m.rows.telemetry ?? 0).toLocaleString("en-US")} telemetry rows ` +
    `in ${m.seconds.toFixed(1)} s (${(rate / 1e6).toFixed(2)} M events/s, ${(rate / 1e6 / workers).toFixed(2)} M per worker); ` +
    `peak RSS ${m.peakRssMb.toFixed(0)} MB`,
);
console.log(
  `peak RSS after each tenth of the homes: ${m.peakRssByTenthMb.map((x) => x.toFixed(0)).join(" ")} MB`,
);
const timeOk = m.seconds <= TARGET_SECONDS;
const rssOk = m.peakRssMb <= TARGET_RSS_MB;
console.log(
  `target time ≤ ${TARGET_SECONDS} s: ${timeOk ? "holds" : "does NOT hold"} (${m.seconds.toFixed(0)} s)`,
);
console.log(
  `target peak RSS ≤ ${TARGET_RSS_MB} MB: ${rssOk ? "holds" : "does NOT hold"} (${m.peakRssMb.toFixed(0)} MB)`,
);
process.exitCode = timeOk && rssOk ? 0 : 1;
