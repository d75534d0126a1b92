import { existsSync, readdirSync, rmSync } from "node:fs";
import { basename, dirname, join } from "node:path";

/**
 * Removes the hidden temp and old directories (`.<name>.tmp-<pid>`, `.<name>.old-<pid>`) that
 * an earlier run of `dir` left when it was killed. Directories of live processes (another
 * run in progress) are left alone.
 */
export function removeStaleTempDirs(dir: string): string[] {
  const parent = dirname(dir);
  if (!existsSync(parent)) return [];
  const pattern = new RegExp(`^\\.${escapeRegExp(basename(dir))}\\.(tmp|old)-(\\d+)$`);
  const removed: string[] = [];
  for (const name of readdirSync(parent)) {
    const match = pattern.exec(name);
    if (!match) continue;
    const pid = Number(match[2]);
    if (pid !== process.pid && isAlive(pid)) continue;
    rmSync(join(parent, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
