import { main } from "../../scripts/cli.js";

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface InProcessOptions {
  /** Working directory for the run (process.chdir; restored afterwards). */
  cwd?: string;
  /** Environment variables set for the run; `undefined` unsets one. Restored afterwards. */
  env?: Record<string, string | undefined>;
}

/**
 * Runs `homeforge <argv>` in this process: calls main() from scripts/cli.ts with stdout and
 * stderr captured (console.*, process.stdout/stderr.write, so commander's output too).
 * Much cheaper than a child process (no tsx start-up, TensorFlow.js imported once).
 * Runs must not overlap: cwd, env and the streams are process-wide.
 */
export async function runCliInProcess(argv: string[], options: InProcessOptions = {}): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const saved = {
    cwd: process.cwd(),
    exitCode: process.exitCode,
    log: console.log,
    info: console.info,
    warn: console.warn,
    error: console.error,
    out: process.stdout.write,
    err: process.stderr.write,
  };
  const savedEnv: Record<string, string | undefined> = {};
  const text = (args: unknown[]) => `${args.map((a) => (typeof a === "string" ? a : String(a))).join(" ")}\n`;
  const writer =
    (append: (s: string) => void) =>
    (chunk: unknown, encoding?: unknown, callback?: unknown): boolean => {
      append(typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString("utf8"));
      const cb = typeof encoding === "function" ? encoding : callback;
      if (typeof cb === "function") cb();
      return true;
    };
  try {
    for (const [k, v] of Object.entries(options.env ?? {})) {
      savedEnv[k] = process.env[k];
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    if (options.cwd) process.chdir(options.cwd);
    process.exitCode = undefined;
    console.log = (...a: unknown[]) => {
      stdout += text(a);
    };
    console.info = console.log;
    console.warn = (...a: unknown[]) => {
      stderr += text(a);
    };
    console.error = console.warn;
    process.stdout.write = writer((s) => {
      stdout += s;
    }) as typeof process.stdout.write;
    process.stderr.write = writer((s) => {
      stderr += s;
    }) as typeof process.stderr.write;
    const code = await main(argv);
    return { code, stdout, stderr };
  } finally {
    console.log = saved.log;
    console.info = saved.info;
    console.warn = saved.warn;
    console.error = saved.error;
    process.stdout.write = saved.out;
    process.stderr.write = saved.err;
    process.exitCode = saved.exitCode;
    process.chdir(saved.cwd);
    for (const [k, v] of Object.entries(savedEnv)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/**
 * One bad-input case of the table in test/badInput.test.ts: `homeforge <args>` must exit 2
 * with exactly one line on stderr, `error: <field>: <problem>; <fix>`, matching `error`,
 * and leave nothing behind. Placeholders in args and env values: `{cwd}` (the row's own
 * fresh working directory) and the shared fixtures' names (`{dataset}`, `{file}` …).
 */
export interface BadInputRow {
  args: string[];
  /** What the one stderr line must match (beyond the common `error: …: …; …` shape). */
  error: RegExp;
  /** Extra environment; the harness already points HOMEFORGE_DATA_DIR, _MODELS_DIR, _LINEAGE_DB into {cwd}. */
  env?: Record<string, string | undefined>;
  /** Files the row needs in {cwd}; they may remain, nothing else may appear. */
  setup?: (cwd: string) => void;
  /** Defaults to the args. */
  name?: string;
}

/** Replaces `{name}` placeholders from `values`. */
export function fillPlaceholders(text: string, values: Record<string, string>): string {
  return text.replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole);
}
