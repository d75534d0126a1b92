import { randomBytes } from "node:crypto";
import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { HomeforgeError } from "./errors.js";

/**
 * Shared by the model registry and the pipeline's output directories (dataset and export).
 *
 * A lock file (created with O_EXCL, so exactly one process wins) holding the owner's pid and
 * host, and the owner's start time where the system tells it (Linux). A lock whose owner on
 * this host is no longer running is stale (a killed save) and is broken, with a message
 * through `onWarning`. The start time tells a restarted container apart from its dead
 * predecessor: a retried pod keeps its host name and, as pid 1, its pid.
 */
export interface LockOptions {
  /** Give up after this long. Default 60 s. */
  timeoutMs?: number;
  pollMs?: number;
  onWarning?: (message: string) => void;
  /** Called once when the lock is held by someone else and this call starts waiting. */
  onWait?: (owner: string) => void;
  /** The timeout error's field and fix; default the model registry's. */
  field?: string;
  fix?: string;
}

interface LockOwner {
  pid: number;
  host: string;
  token: string;
  /** The owner's start time (clock ticks since boot, /proc/<pid>/stat), where known. */
  started?: string;
}

/** A lock file that never got its owner written is stale after this long. */
const UNREADABLE_STALE_MS = 10_000;

/** A process's start time as /proc/<pid>/stat gives it (field 22), or null where there is none. */
export function processStartTime(pid: number | "self"): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // the command name (field 2) may hold spaces and parentheses: count from its closing one
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return fields[19] ?? null;
  } catch {
    return null;
  }
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Runs `fn` holding the lock at `path`; the lock is released however `fn` ends. */
export async function withLock<T>(
  path: string,
  fn: () => Promise<T> | T,
  options: LockOptions = {},
): Promise<T> {
  const token = await acquire(path, options);
  try {
    return await fn();
  } finally {
    release(path, token);
  }
}

async function acquire(path: string, options: LockOptions): Promise<string> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const pollMs = options.pollMs ?? 25;
  const started = performance.now();
  let waited = false;
  const startTime = processStartTime("self");
  const owner: LockOwner = {
    pid: process.pid,
    host: hostname(),
    token: randomBytes(8).toString("hex"),
    ...(startTime ? { started: startTime } : {}),
  };
  for (;;) {
    try {
      const fd = openSync(path, "wx");
      try {
        writeSync(fd, JSON.stringify(owner));
      } finally {
        closeSync(fd);
      }
      return owner.token;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
    const stale = staleReason(path);
    if (stale) {
      breakLock(path, stale.raw);
      options.onWarning?.(`broke a stale lock ${path}: ${stale.reason}`);
      continue;
    }
    if (performance.now() - started > timeoutMs) {
      throw new HomeforgeError(
        options.field ?? "model registry",
        `${path} stayed locked for ${Math.round(timeoutMs / 1000)} s (${describeOwner(path)})`,
        options.fix ??
          "wait for the other save or promotion to finish; if no homeforge process is running, delete the lock file",
      );
    }
    if (!waited) {
      waited = true;
      options.onWait?.(describeOwner(path));
    }
    await sleep(pollMs);
  }
}

/** What a lock file says about its owner, without touching it. */
export type LockState =
  | { state: "free" }
  | { state: "live"; pid: number | null; host: string | null }
  | { state: "stale"; pid: number | null; reason: string };

/**
 * Reads the lock at `path`: free (no file), live (its owner runs on this host, runs on another
 * host we cannot probe, or it was created moments ago and has no owner written yet) or stale
 * (its owner on this host is gone, or it names no owner and is older than 10 s). A stale lock is
 * what a killed run leaves; the next taker breaks it.
 */
export function inspectLock(path: string): LockState {
  let raw: string;
  try {
    raw = readFileSync(path, "utf8");
  } catch {
    return { state: "free" };
  }
  const stale = staleReason(path, raw);
  const owner = parseOwner(raw);
  if (stale) return { state: "stale", pid: owner?.pid ?? null, reason: stale.reason };
  return { state: "live", pid: owner?.pid ?? null, host: owner?.host ?? null };
}

function parseOwner(raw: string): LockOwner | null {
  try {
    const owner = JSON.parse(raw);
    return owner && typeof owner === "object" && Number.isInteger(owner.pid) ? (owner as LockOwner) : null;
  } catch {
    return null;
  }
}

function staleReason(path: string, known?: string): { reason: string; raw: string } | null {
  let raw: string;
  if (known !== undefined) raw = known;
  else {
    try {
      raw = readFileSync(path, "utf8");
    } catch {
      return null; // released meanwhile: just retry
    }
  }
  const owner = parseOwner(raw);
  if (owner) {
    if (owner.host === hostname() && !pidAlive(owner.pid)) {
      return { reason: `its owner, process ${owner.pid}, is no longer running`, raw };
    }
    if (owner.host === hostname() && owner.started !== undefined) {
      const now = processStartTime(owner.pid);
      if (now !== null && now !== owner.started) {
        return {
          reason: `its owner, process ${owner.pid}, is no longer running (pid ${owner.pid} is now a process started later, as in a restarted container)`,
          raw,
        };
      }
    }
    return null;
  }
  try {
    const age = Date.now() - statSync(path).mtimeMs;
    if (age > UNREADABLE_STALE_MS) return { reason: "it names no owner and is older than 10 s", raw };
  } catch {
    return null;
  }
  return null;
}

/** Removes the lock only if it still holds what we judged stale. */
function breakLock(path: string, raw: string): void {
  try {
    if (readFileSync(path, "utf8") === raw) unlinkSync(path);
  } catch {
    // gone already
  }
}

function release(path: string, token: string): void {
  try {
    const owner = JSON.parse(readFileSync(path, "utf8")) as LockOwner;
    if (owner.token === token) unlinkSync(path);
  } catch {
    // already gone
  }
}

function describeOwner(path: string): string {
  try {
    const owner = JSON.parse(readFileSync(path, "utf8")) as LockOwner;
    return `held by process ${owner.pid} on ${owner.host}`;
  } catch {
    return "owner unknown";
  }
}
