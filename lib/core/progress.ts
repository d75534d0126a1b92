/**
 * Progress for long work: a live bar with rate and ETA on a TTY (drawn by cli-progress), a
 * plain line every 10 % (at most every few seconds) otherwise, nothing when quiet.
 */
import cliProgress from "cli-progress";

export interface Progress {
  update: (done: number, total?: number) => void;
  done: () => void;
}

export interface ProgressOptions {
  quiet?: boolean;
  stream?: NodeJS.WriteStream;
  /** Clock for rate and ETA; injectable for tests. */
  now?: () => number;
  /**
   * Draw a live bar; default: the stream is a TTY and $CI is not set. Forced on a stream that
   * is not a TTY, the bar writes a line per redraw instead of redrawing in place.
   */
  tty?: boolean;
}

export function createProgress(unit: string, total: number, options: ProgressOptions = {}): Progress {
  if (options.quiet) return { update: () => {}, done: () => {} };
  const stream = options.stream ?? process.stderr;
  const now = options.now ?? (() => performance.now());
  const tty = options.tty ?? (Boolean(stream.isTTY) && !process.env.CI);
  const rate = rateOf(unit, now);
  return tty ? liveBar(unit, total, stream, rate) : plainLines(unit, total, stream, now, rate);
}

/** Rate and ETA from our own clock (cli-progress's read the wall clock), as the bar's tokens. */
function rateOf(unit: string, now: () => number) {
  const started = now();
  return (done: number, total: number) => {
    const elapsed = (now() - started) / 1000;
    const perSecond = elapsed > 0 ? done / elapsed : 0;
    const eta = perSecond > 0 ? (total - done) / perSecond : 0;
    return { rate: `${perSecond.toFixed(1)} ${unit}/s`, eta_text: formatSeconds(eta) };
  };
}

/**
 * The bar. It starts on the first update (a cached run that reports nothing draws nothing),
 * ends for good at `done()`, and its redraw timer never keeps the process alive, so a run
 * that fails before `done()` still exits.
 */
function liveBar(
  unit: string,
  total: number,
  stream: NodeJS.WriteStream,
  rate: ReturnType<typeof rateOf>,
): Progress {
  const bar = new UnrefSingleBar({
    stream,
    format: `[{bar}] {value}/{total} ${unit} ({percentage}%) {rate} ETA {eta_text}`,
    barsize: 24,
    barCompleteChar: "#",
    barIncompleteChar: "-",
    // leave the terminal's wrapping and cursor alone: a killed run leaves nothing to restore
    linewrap: true,
    hideCursor: false,
    noTTYOutput: !stream.isTTY,
  });
  let started = false;
  let finished = false;
  return {
    update(done, newTotal) {
      if (finished) return;
      if (newTotal !== undefined) total = newTotal;
      const tokens = rate(done, total);
      if (!started) {
        started = true;
        bar.start(total, done, tokens);
        return;
      }
      if (newTotal !== undefined) bar.setTotal(total);
      bar.update(done, tokens);
    },
    done() {
      if (started && !finished) bar.stop();
      finished = true;
    },
  };
}

/**
 * cli-progress re-arms a redraw timer after every draw; unref'd, it never holds the event
 * loop open (the bar is a view: the work, not the view, decides when the process ends).
 */
class UnrefSingleBar extends cliProgress.SingleBar {
  override render(): void {
    super.render();
    (this as unknown as { timer?: NodeJS.Timeout | null }).timer?.unref();
  }
}

/** Not a TTY (a pipe, a CI log): a line at each new tenth, a few seconds apart, and always the last. */
function plainLines(
  unit: string,
  total: number,
  stream: NodeJS.WriteStream,
  now: () => number,
  rate: ReturnType<typeof rateOf>,
): Progress {
  let lastDraw = -Infinity;
  let lastDecile = -1;
  return {
    update(done, newTotal) {
      if (newTotal !== undefined) total = newTotal;
      const t = now();
      const decile = total > 0 ? Math.floor((10 * done) / total) : 10;
      if (decile > 0 && decile > lastDecile && (t - lastDraw > 2000 || done === total)) {
        lastDecile = decile;
        lastDraw = t;
        const pct = total > 0 ? (100 * done) / total : 100;
        const { rate: perSecond, eta_text } = rate(done, total);
        stream.write(`${done}/${total} ${unit} (${pct.toFixed(0)}%) ${perSecond} ETA ${eta_text}\n`);
      }
    },
    done() {},
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
