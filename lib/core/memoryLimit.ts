import { readFileSync } from "node:fs";
import { totalmem } from "node:os";

/** Where Linux tells a process its memory cap: cgroup v2, then v1. */
export const CGROUP_MEMORY_FILES = [
  "/sys/fs/cgroup/memory.max",
  "/sys/fs/cgroup/memory/memory.limit_in_bytes",
];

/**
 * The memory this process may use: the machine's, or less when a cgroup caps it (a
 * Kubernetes pod's `limits.memory`, `docker run -m`). os.totalmem() alone is the node's
 * memory, so a pod would pass a size check and then be OOM-killed.
 */
export function availableMemoryBytes(files: readonly string[] = CGROUP_MEMORY_FILES): number {
  const machine = totalmem();
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, "utf8").trim();
    } catch {
      continue;
    }
    // "max" (v2) or a huge page-rounded number (v1) mean no cap
    const limit = Number(text);
    if (Number.isFinite(limit) && limit > 0 && limit < machine) return limit;
    return machine;
  }
  return machine;
}
