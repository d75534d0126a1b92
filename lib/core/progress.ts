/**
 * Progress for long work: a redrawn bar with rate and ETA on a TTY, a plain line every
 * 10 % (at most every few seconds) otherwise, nothing when quiet.
 */
export interface Progress {
  update: (done: number, total?: number) => void;
  done: () => void;
}

export interface ProgressOptions {
  quiet?: boolean;
  stream?: NodeJS.WriteStream;
  /** Clock for rate and ETA; injectable for tests. */
  now?: () => number;
  /** Draw a redrawn bar; default: the stream is a TTY and $CI is not set. */
  tty?: boolean;
}

export function createProgress(unit: string, total: number, options: ProgressOptions = {}): Progress {
  const stream = options.stream ?? process.stderr;
  const now = options.now ?? (() => performance.now());
  if (options.quiet) return { update: () => {}, done: () => {} };
  const tty = options.tty ?? (Boolean(stream.isTTY) && !process.env.CI);
  const started = now();
  let lastDraw = -Infinity;
  let lastDecile = -1;
  let current = 0;

  const line = (done: number): string => {
    const elapsed = (now() - started) / 1000;
    const rate = elapsed > 0 ? done / elapsed : 0;
    const eta = rate > 0 ? (total - done) / rate : 0;
    const pct = total > 0 ? (100 * done) / total : 100;
    return `${done}/${total} ${unit} (${pct.toFixed(0)}%) ${rate.toFixed(1)} ${unit}/s ETA ${formatSeconds(eta)}`;
  };

  return {
    update(done: number, newTotal?: number) {
      if (newTotal !== undefined) total = newTotal;
      current = done;
      const t = now();
      if (tty) {
        if (t - lastDraw < 100 && done < total) return;
        lastDraw = t;
        const width = 24;
        const filled = total > 0 ? Math.round((width * done) / total) : width;
        stream.write(`\r[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${line(done)}\x1b[K`);
      } else {
        const decile = total > 0 ? Math.floor((10 * done) / total) : 10;
        if (decile > 0 && decile > lastDecile && (t - lastDraw > 2000 || done === total)) {
          lastDecile = decile;
          lastDraw = t;
          stream.write(`${line(done)}\n`);
        }
      }
    },
    done() {
      if (tty) stream.write(`\r${line(current)}\x1b[K\n`);
    },
  };
}

function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return "?";
  if (s < 60) return `${s.toFixed(0)}s`;
  const m = Math.floor(s / 60);
  return m < 60
    ? `${m}m${String(Math.round(s % 60)).padStart(2, "0")}s`
    : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}
