/**
 * Output directories (datasets, exports): homeforge writes a directory whole and replaces it
 * whole, so it must never delete what it did not write. A directory counts as ours only when
 * its manifest is a homeforge manifest AND every entry in it is a file that manifest lists
 * (plus, for a dataset, the homeforge exports under `exports/`). Anything else is refused
 * with one line naming the foreign entries; replacing removes only the entries that were
 * found to be ours.
 *
 * Writes into one directory are serialised by a lock file beside it (`.<name>.lock`,
 * lib/lock.ts), held across check → build → rename.
 */
import {
  accessSync,
  constants,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  rmSync,
  statfsSync,
  statSync,
} from "node:fs";
import { basename, dirname, isAbsolute, join, normalize, resolve, sep } from "node:path";
import { HomeforgeError } from "../../core/errors.js";
import { type LockOptions, pidAlive, withLock } from "../../core/lock.js";
import { MANIFEST_FILE, MANIFEST_FORMAT, SHARD_MANIFEST_FORMAT } from "../../core/manifest.js";

/** What kind of directory homeforge writes, and how to tell one of ours from anything else. */
export interface OwnedDirKind {
  /** "dataset" or "export", for messages. */
  label: string;
  manifestFile: string;
  /** The relative paths of the files a manifest lists, or null when it is not a homeforge manifest. */
  listedFiles(manifest: unknown): string[] | null;
  /** Subdirectories that may hold directories of `nested` kind (a dataset's `exports/`), and how deep. */
  nested?: { dir: string; depth: number; kind: OwnedDirKind };
}

export const EXPORT_MANIFEST_FILE = "export.json";
export const EXPORT_FORMAT = "homeforge-export";
export const EXPORT_FORMAT_VERSION = 1;

export const EXPORT_DIR: OwnedDirKind = {
  label: "export",
  manifestFile: EXPORT_MANIFEST_FILE,
  listedFiles(manifest) {
    const m = manifest as { format?: unknown; format_version?: unknown; files?: unknown } | null;
    if (!m || m.format !== EXPORT_FORMAT || !Array.isArray(m.files)) return null;
    // exports written before format_version existed carry none
    if (m.format_version !== undefined && !Number.isInteger(m.format_version)) return null;
    const files: string[] = [];
    for (const f of m.files as { path?: unknown }[]) {
      if (typeof f?.path !== "string") return null;
      files.push(f.path);
    }
    return files;
  },
};

export const DATASET_DIR: OwnedDirKind = {
  label: "dataset",
  manifestFile: MANIFEST_FILE,
  listedFiles(manifest) {
    const m = manifest as { format?: unknown; format_version?: unknown; tables?: unknown } | null;
    const ours = m?.format === MANIFEST_FORMAT || m?.format === SHARD_MANIFEST_FORMAT;
    if (!m || !ours || !Number.isInteger(m.format_version)) return null;
    if (!m.tables || typeof m.tables !== "object") return null;
    const files: string[] = [];
    for (const table of Object.values(m.tables as Record<string, { files?: { path?: unknown }[] }>)) {
      for (const f of table?.files ?? []) {
        if (typeof f?.path !== "string") return null;
        // a merged dataset lists its shards' files (`../<shard>/…`): they are not in it, so never removed with it
        if (normalize(f.path).startsWith("..")) continue;
        files.push(f.path);
      }
    }
    return files;
  },
  // `homeforge export` writes to <dataset>/exports/<what>/<format> by default
  nested: { dir: "exports", depth: 2, kind: EXPORT_DIR },
};

/** Our names beside an output directory `name`: its lock, cache entry, and temp/old build dirs. */
export function isOwnSiblingName(entry: string, name: string): boolean {
  const prefix = `.${name}.`;
  if (!entry.startsWith(prefix)) return false;
  const rest = entry.slice(prefix.length);
  return /^(lock|cache\.json|cache\.json\.tmp-\d+|tmp-\d+|old-\d+)$/.test(rest);
}

/** A lock, cache entry or build dir of some output directory (see isOwnSiblingName). */
const OWN_HIDDEN_NAME = /^\.[^/]+\.(lock|cache\.json|cache\.json\.tmp-\d+|tmp-\d+|old-\d+)$/;

export function lockPath(dir: string): string {
  const target = resolve(dir);
  return join(dirname(target), `.${basename(target)}.lock`);
}

/** A one-line error for an empty path flag (`--out ""` would otherwise mean the current directory). */
export function assertPathGiven(path: string | undefined, field: string): void {
  if (path !== undefined && path.trim() === "") {
    throw new HomeforgeError(
      field,
      'the path is empty ("" would mean the current directory)',
      `pass a directory path (e.g. ${field} data/demo), or leave ${field} out for the default`,
    );
  }
}

/** The nearest existing ancestor of `path` (itself if it exists); always terminates at the root. */
export function nearestExistingAncestor(path: string): string {
  let p = resolve(path);
  for (;;) {
    if (existsSync(p)) return p;
    const up = dirname(p);
    if (up === p) return p;
    p = up;
  }
}

/** Linux pseudo-filesystems that look like directories but cannot hold a dataset. */
const PSEUDO_FS: Record<number, string> = {
  40864: "proc",
  1650812274: "sysfs",
  2613483: "cgroup",
  1667723888: "cgroup2",
  1684170528: "debugfs",
  1953653091: "tracefs",
  1935894131: "securityfs",
  3405662737: "bpf",
  1634035564: "pstore",
  1650812272: "configfs",
  3730735588: "efivarfs",
  1702057283: "fusectl",
  7377: "devpts",
};

function pseudoFilesystem(dir: string): string | null {
  try {
    return PSEUDO_FS[Number(statfsSync(dir).type)] ?? null;
  } catch {
    return null;
  }
}

/**
 * Checks, before any work, that `dir` can be written as a directory of `kind`: its nearest
 * existing ancestor is a writable directory on a real filesystem, and `dir` itself is
 * absent, empty, or one of ours (which is then replaced whole). Creates nothing.
 */
export function assertWritableOutputDir(dir: string, field: string, kind: OwnedDirKind = DATASET_DIR): void {
  assertPathGiven(dir, field);
  const target = resolve(dir);
  const ancestor = nearestExistingAncestor(target);
  const pseudo = pseudoFilesystem(ancestor);
  if (pseudo) {
    throw new HomeforgeError(
      field,
      `${dir} lies on ${ancestor}, a ${pseudo} pseudo-filesystem that cannot hold files`,
      "choose a directory on a real disk",
    );
  }
  if (ancestor === target) {
    if (!statSync(target).isDirectory()) {
      throw new HomeforgeError(field, `${dir} is a file`, `choose a directory path for the ${kind.label}`);
    }
    ownedEntries(target, kind, field, dir);
    const reason = unwritableReason(dirname(target));
    if (reason)
      throw new HomeforgeError(
        field,
        `cannot replace ${dir}: its parent is not writable (${reason})`,
        "choose a directory you can write to",
      );
    return;
  }
  const reason = unwritableReason(ancestor);
  if (reason)
    throw new HomeforgeError(
      field,
      `cannot write under ${ancestor} (${reason})`,
      "choose a directory you can write to",
    );
}

/** Compatibility name: the dataset check. */
export function assertWritableDatasetDir(dir: string, field = "--out"): void {
  assertWritableOutputDir(dir, field, DATASET_DIR);
}

function unwritableReason(dir: string): string | null {
  try {
    if (!statSync(dir).isDirectory()) return "it is a file, not a directory";
    accessSync(dir, constants.W_OK);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code ?? "not writable";
  }
  return null;
}

interface Classified {
  /** Every entry found to be ours, relative to the root, parents before children. */
  owned: { rel: string; dir: boolean }[];
  /** The topmost entries that are not ours (directories end in "/"). */
  foreign: string[];
  /** Whether the root holds a manifest of ours. */
  manifest: boolean;
}

function readManifest(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch {
    return null;
  }
}

/** Classifies every entry under `root` (an existing directory) as ours or foreign. */
function classify(root: string, kind: OwnedDirKind): Classified {
  const out: Classified = { owned: [], foreign: [], manifest: false };
  const entries = readdirSync(root);
  if (entries.length === 0) return out;
  const listed = entries.includes(kind.manifestFile)
    ? kind.listedFiles(readManifest(join(root, kind.manifestFile)))
    : null;
  const safe = listed?.every((p) => p !== "" && !isAbsolute(p) && !normalize(p).startsWith(".."));
  if (!listed || !safe) {
    out.foreign = entries.sort().map((e) => (isDir(join(root, e)) ? `${e}/` : e));
    return out;
  }
  out.manifest = true;
  const files = new Set([kind.manifestFile, ...listed.map((p) => normalize(p).split(sep).join("/"))]);
  const walk = (rel: string) => {
    for (const name of readdirSync(join(root, rel)).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      const abs = join(root, r);
      if (isDir(abs)) {
        if (!rel && kind.nested && name === kind.nested.dir) {
          const nested = classifyContainer(abs, kind.nested.depth, kind.nested.kind, r);
          out.owned.push(...nested.owned);
          out.foreign.push(...nested.foreign);
        } else if ([...files].some((f) => f.startsWith(`${r}/`))) {
          out.owned.push({ rel: r, dir: true });
          walk(r);
        } else out.foreign.push(`${r}/`);
      } else if (files.has(r)) out.owned.push({ rel: r, dir: false });
      else out.foreign.push(r);
    }
  };
  walk("");
  return out;
}

/**
 * A directory holding, `depth` levels down, directories of `kind` (e.g. `exports/<what>/<format>`)
 * and the lock/temp names beside them. Returns entries relative to the outer root (`prefix`).
 */
function classifyContainer(abs: string, depth: number, kind: OwnedDirKind, prefix: string): Classified {
  const out: Classified = { owned: [{ rel: prefix, dir: true }], foreign: [], manifest: false };
  const names = readdirSync(abs).sort();
  for (const name of names) {
    const r = `${prefix}/${name}`;
    const child = join(abs, name);
    const siblingOfOurs = OWN_HIDDEN_NAME.test(name);
    if (siblingOfOurs && /\.(tmp|old)-\d+$/.test(name) && isDir(child)) {
      // a build dir of ours (a killed run's): everything in it is ours
      out.owned.push(...allEntries(child, r));
    } else if (siblingOfOurs && !isDir(child)) {
      out.owned.push({ rel: r, dir: false });
    } else if (!isDir(child)) {
      out.foreign.push(r);
    } else if (depth > 1) {
      const inner = classifyContainer(child, depth - 1, kind, r);
      out.owned.push(...inner.owned);
      out.foreign.push(...inner.foreign);
    } else {
      const inner = classify(child, kind);
      if (!inner.manifest && inner.foreign.length > 0) out.foreign.push(`${r}/`);
      else {
        out.owned.push({ rel: r, dir: true }, ...inner.owned.map((o) => ({ ...o, rel: `${r}/${o.rel}` })));
        out.foreign.push(...inner.foreign.map((f) => `${r}/${f}`));
      }
    }
  }
  return out;
}

function allEntries(abs: string, rel: string): { rel: string; dir: boolean }[] {
  const out = [{ rel, dir: true }];
  for (const name of readdirSync(abs).sort()) {
    const child = join(abs, name);
    if (isDir(child)) out.push(...allEntries(child, `${rel}/${name}`));
    else out.push({ rel: `${rel}/${name}`, dir: false });
  }
  return out;
}

function isDir(path: string): boolean {
  try {
    return lstatSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** "a, b, c and 4 more" */
export function describeEntries(entries: string[], max = 3): string {
  const shown = entries.slice(0, max).join(", ");
  return entries.length > max ? `${shown} and ${entries.length - max} more` : shown;
}

/**
 * The entries of `target` (an existing directory), all of which are ours; throws a one-line
 * error naming the foreign ones otherwise.
 */
export function ownedEntries(
  target: string,
  kind: OwnedDirKind,
  field: string,
  shown = target,
): { rel: string; dir: boolean }[] {
  const c = classify(target, kind);
  if (c.foreign.length === 0) return c.owned;
  if (!c.manifest) {
    throw new HomeforgeError(
      field,
      `${shown} is not empty and holds no homeforge ${kind.label} (found ${describeEntries(c.foreign)})`,
      `choose a new or empty directory; homeforge replaces only a directory it wrote, so nothing of yours is overwritten`,
    );
  }
  throw new HomeforgeError(
    field,
    `${shown} holds a homeforge ${kind.label} plus entries its ${kind.manifestFile} does not list (${describeEntries(c.foreign)})`,
    `move them out, or choose another directory; homeforge replaces a ${kind.label} whole and deletes only what it wrote`,
  );
}

export interface OutputDirOptions {
  /** Flag or setting named in errors. */
  field: string;
  kind?: OwnedDirKind;
  /** How long to wait for another run writing the same directory. Default 10 minutes. */
  lockTimeoutMs?: number;
  /** Notes (a stale lock taken over, waiting for another run, leftovers kept). */
  onNote?: (message: string) => void;
}

/**
 * Runs `fn` holding the lock of output directory `dir`, creating its missing parents first
 * (one level at a time, so it always terminates). Parents created here are removed again
 * when `fn` fails and they are still empty. Stale temp dirs of killed runs are swept under
 * the lock.
 */
export async function withOutputDir<T>(
  dir: string,
  options: OutputDirOptions,
  fn: () => Promise<T>,
): Promise<T> {
  const target = resolve(dir);
  const created = makeParents(dirname(target), options.field);
  const lockOptions: LockOptions = {
    timeoutMs: options.lockTimeoutMs ?? 600_000,
    field: options.field,
    fix: `wait for the other run writing ${dir} to finish, or choose another directory; if no homeforge process is running, delete the lock file`,
    onWarning: (m) =>
      options.onNote?.(`took over the lock of ${dir}: ${m.replace(/^broke a stale lock \S+: /, "")}`),
    onWait: (owner) => options.onNote?.(`waiting for another run writing ${dir} (${owner})`),
  };
  try {
    return await withLock(
      lockPath(target),
      () => {
        for (const note of removeStaleTempDirs(target, options.kind ?? DATASET_DIR)) options.onNote?.(note);
        return fn();
      },
      lockOptions,
    );
  } catch (e) {
    removeEmptyDirs(created);
    throw e;
  }
}

/** Creates the missing directories of `dir`, top-down, without recursion; returns those created. */
function makeParents(dir: string, field: string): string[] {
  const missing: string[] = [];
  let p = dir;
  for (;;) {
    if (existsSync(p)) break;
    missing.push(p);
    const up = dirname(p);
    if (up === p) break;
    p = up;
  }
  const created: string[] = [];
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d);
      created.push(d);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "EEXIST" && isDir(d)) continue;
      removeEmptyDirs(created);
      throw new HomeforgeError(
        field,
        `cannot create ${d} (${code ?? "failed"})`,
        "choose a directory you can write to",
      );
    }
  }
  return created;
}

function removeEmptyDirs(created: string[]): void {
  for (const d of [...created].reverse()) {
    try {
      rmdirSync(d);
    } catch {
      return; // not empty (someone else uses it) or gone
    }
  }
}

/**
 * Builds a directory atomically, holding its lock (see withOutputDir): `build` writes into
 * a hidden temporary sibling, which is renamed into place only when it finishes. Right
 * before replacing, the old directory is checked again: it must be ours entry by entry, and
 * only those entries are removed. An interrupted or failed build leaves no directory that
 * looks complete, and the directory being replaced stays intact until then.
 */
export async function writeDirAtomically<T>(
  dir: string,
  build: (tmpDir: string) => Promise<T> | T,
  options: Omit<OutputDirOptions, "lockTimeoutMs"> = { field: "--out" },
): Promise<T> {
  const kind = options.kind ?? DATASET_DIR;
  const target = resolve(dir);
  const parent = dirname(target);
  const tmp = join(parent, `.${basename(target)}.tmp-${process.pid}`);
  if (existsSync(target)) ownedEntries(target, kind, options.field, dir);
  rmSync(tmp, { recursive: true, force: true });
  let result: T;
  try {
    try {
      mkdirSync(tmp);
    } catch (e) {
      throw new HomeforgeError(
        options.field,
        `cannot create ${tmp} (${(e as NodeJS.ErrnoException).code ?? "failed"})`,
        "choose a directory you can write to",
      );
    }
    result = await build(tmp);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  if (existsSync(target)) {
    let owned: { rel: string; dir: boolean }[];
    try {
      // again, right before replacing: something may have appeared while we built
      owned = ownedEntries(target, kind, options.field, dir);
    } catch (e) {
      rmSync(tmp, { recursive: true, force: true });
      throw e;
    }
    const old = join(parent, `.${basename(target)}.old-${process.pid}`);
    renameSync(target, old);
    renameSync(tmp, target);
    const left = removeOwnedEntries(old, owned);
    if (left) options.onNote?.(`kept ${old}: it gained entries homeforge did not write while being replaced`);
  } else {
    renameSync(tmp, target);
  }
  return result;
}

/**
 * Removes exactly `owned` (files, then directories deepest first, never recursively) and
 * then `root`; returns false when all is gone, true when something not listed remains.
 */
export function removeOwnedEntries(root: string, owned: { rel: string; dir: boolean }[]): boolean {
  for (const o of owned) if (!o.dir) rmSync(join(root, o.rel), { force: true });
  const dirs = owned.filter((o) => o.dir).sort((a, b) => b.rel.split("/").length - a.rel.split("/").length);
  let left = false;
  for (const d of dirs) left = !tryRmdir(join(root, d.rel)) || left;
  return !tryRmdir(root) || left;
}

function tryRmdir(path: string): boolean {
  try {
    rmdirSync(path);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "ENOENT";
  }
}

/** Whether `dir` holds only entries of ours (used for a killed run's `.old-<pid>` dir). */
export function ownedOrNull(dir: string, kind: OwnedDirKind): { rel: string; dir: boolean }[] | null {
  const c = classify(dir, kind);
  return c.foreign.length === 0 ? c.owned : null;
}

/**
 * Removes the hidden build dirs (`.<name>.tmp-<pid>`, `.<name>.old-<pid>`) that an earlier
 * run of `dir` left when it was killed; returns a note for each. Directories of live
 * processes (another run in progress) are left alone. A temp dir holds only what that run
 * wrote; an old dir (a replaced directory) is removed only entry by entry and only when
 * every entry is ours, else it is kept with a note.
 */
export function removeStaleTempDirs(dir: string, kind: OwnedDirKind = DATASET_DIR): string[] {
  const target = resolve(dir);
  const parent = dirname(target);
  if (!existsSync(parent)) return [];
  const name = basename(target);
  const notes: string[] = [];
  for (const entry of readdirSync(parent)) {
    const match = /^(?:.*)\.(tmp|old)-(\d+)$/.exec(entry);
    if (!match || !isOwnSiblingName(entry, name)) continue;
    const pid = Number(match[2]);
    if (pid !== process.pid && pidAlive(pid)) continue;
    const path = join(parent, entry);
    if (match[1] === "tmp") {
      rmSync(path, { recursive: true, force: true });
      notes.push(`removed ${entry}, left by a run (process ${pid}) that was killed`);
      continue;
    }
    const owned = ownedOrNull(path, kind);
    if (owned && !removeOwnedEntries(path, owned)) {
      notes.push(`removed ${entry}, left by a run (process ${pid}) that was killed`);
    } else {
      notes.push(`kept ${path}: it holds entries homeforge did not write; move them out and delete it`);
    }
  }
  return notes;
}
