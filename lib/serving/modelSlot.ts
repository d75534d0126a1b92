import { statSync } from "node:fs";
import { join } from "node:path";
import { ALIASES_FILE, ModelRegistry } from "../models/registry/registry.js";

/** Something a slot serves: an exact registry version, loaded. */
export interface LoadedModel {
  name: string;
  version: string;
  dispose(): void;
}

export type SlotLog = (level: "info" | "warn", message: string) => void;

interface Held<T> {
  value: T;
  users: number;
  retired: boolean;
}

/**
 * One served model reference (`name@ref`, ref an alias or a version) that follows its alias:
 * `poll()` stats the model's aliases.json (cheap), and when the file changed and the ref now
 * names another version, loads that version fully, then swaps it in — one assignment, so a
 * request sees the old or the new model, never half of one. Requests in flight keep the old
 * value (`use` counts them); it is disposed when the last one is done. A failed load keeps
 * serving what was served and logs why; an absent model leaves the slot empty with the
 * reason, which requests report (HTTP 503).
 */
export class ModelSlot<T extends LoadedModel> {
  readonly name: string;
  readonly ref: string;
  readonly #registry: ModelRegistry;
  readonly #load: (version: string) => Promise<T>;
  readonly #log: SlotLog;
  #held: Held<T> | null = null;
  #stamp: string | null = null;
  #problem: string;
  #polling: Promise<void> | null = null;

  constructor(
    modelsDir: string,
    name: string,
    ref: string,
    load: (version: string) => Promise<T>,
    log: SlotLog,
  ) {
    this.name = name;
    this.ref = ref;
    this.#registry = new ModelRegistry(modelsDir);
    this.#load = load;
    this.#log = log;
    this.#problem = `${name}@${ref} is not loaded yet`;
  }

  /** The served value, or null (then `problem` says why). */
  get current(): T | null {
    return this.#held?.value ?? null;
  }

  /** Why nothing is served (meaningful when `current` is null). */
  get problem(): string {
    return this.#problem;
  }

  /**
   * Runs `fn` on the served value, keeping it alive until fn (sync or async) is done even if a
   * swap happens meanwhile. Throws `unavailable(problem)` when nothing is served.
   */
  use<R>(fn: (value: T) => R, unavailable: (problem: string) => Error): R {
    const held = this.#held;
    if (!held) throw unavailable(this.#problem);
    held.users++;
    let result: R;
    try {
      result = fn(held.value);
    } catch (e) {
      this.#release(held);
      throw e;
    }
    if (result instanceof Promise) {
      return result.finally(() => this.#release(held)) as R;
    }
    this.#release(held);
    return result;
  }

  /** Checks the alias once (overlapping calls share one check). */
  poll(): Promise<void> {
    this.#polling ??= this.#check().finally(() => {
      this.#polling = null;
    });
    return this.#polling;
  }

  /** Stops serving: disposes the value once nothing uses it. */
  close(): void {
    const held = this.#held;
    this.#held = null;
    this.#problem = "the service is shutting down";
    if (held) this.#retire(held);
  }

  async #check(): Promise<void> {
    const stamp = aliasesStamp(this.#registry.root, this.name);
    if (stamp === this.#stamp) return;
    this.#stamp = stamp;
    let version: string;
    try {
      version = this.#registry.resolve(this.name, this.ref);
    } catch (e) {
      this.#fail(e, "cannot resolve");
      return;
    }
    if (this.#held?.value.version === version) return;
    let value: T;
    try {
      value = await this.#load(version);
    } catch (e) {
      this.#fail(e, `cannot load ${version} of`);
      return;
    }
    const before = this.#held;
    this.#held = { value, users: 0, retired: false };
    this.#log(
      "info",
      before
        ? `${this.name}@${this.ref}: now serving ${version} (was ${before.value.version})`
        : `${this.name}@${this.ref}: serving ${version}`,
    );
    if (before) this.#retire(before);
  }

  #fail(e: unknown, what: string): void {
    const reason = (e as Error).message ?? String(e);
    if (this.#held) {
      this.#log(
        "warn",
        `${this.name}@${this.ref}: ${what} it (${reason}); still serving ${this.#held.value.version}`,
      );
    } else {
      this.#problem = reason;
      this.#log("warn", `${this.name}@${this.ref}: not served: ${reason}`);
    }
  }

  #retire(held: Held<T>): void {
    held.retired = true;
    if (held.users === 0) held.value.dispose();
  }

  #release(held: Held<T>): void {
    held.users--;
    if (held.retired && held.users === 0) held.value.dispose();
  }
}

/**
 * What changes when aliases.json is replaced (the registry renames a new file over it):
 * inode, size and modification time; "absent" when there is none.
 */
export function aliasesStamp(root: string, name: string): string {
  try {
    const s = statSync(join(root, name, ALIASES_FILE), { bigint: true });
    return `${s.ino}:${s.size}:${s.mtimeNs}`;
  } catch {
    return "absent";
  }
}
