import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export function tempDir(prefix = "homeforge-test-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** sha256 of every file in a directory, by name. */
export function dirHashes(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) {
    out[name] = createHash("sha256")
      .update(readFileSync(join(dir, name)))
      .digest("hex");
  }
  return out;
}

/** Runs the CLI from source in a child process. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}, cwd = process.cwd()) {
  const r = spawnSync(process.execPath, ["--import", "tsx", join(process.cwd(), "scripts/cli.ts"), ...args], {
    encoding: "utf8",
    cwd,
    env: { ...process.env, CI: "true", ...env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
