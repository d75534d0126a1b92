/**
 * `homeforge serve` as a process (the one spawned test of the service): it prints its URL,
 * answers, and on SIGTERM finishes, closes and exits 0. Plus its flag checks, in-process.
 */
import { spawn } from "node:child_process";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { builtCli } from "../helpers/built.js";
import { runCliInProcess } from "../helpers/cliInProcess.js";
import { removeDir, tempDir } from "../helpers/tmp.js";

test("serve listens on loopback, answers, and exits 0 on SIGTERM", async () => {
  const models = tempDir("homeforge-serve-cli-");
  try {
    const child = spawn(
      process.execPath,
      [
        builtCli(), // bin/homeforge.js, as installed: no tsx start-up
        "serve",
        "--port",
        "0",
        "--models",
        models,
        "--watch-ms",
        "0",
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let out = "";
    let err = "";
    child.stderr.on("data", (d) => {
      err += d;
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL printed: ${out} ${err}`)), 30_000);
      child.stdout.on("data", (d) => {
        out += d;
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
    });
    const doc = await fetch(`${url}/docs/json`);
    assert.is(doc.status, 200);
    const predict = await fetch(`${url}/api/predictions/predict`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    assert.is(predict.status, 400);
    child.kill("SIGTERM");
    assert.is(await exited, 0, err);
    assert.match(out, /SIGTERM: finishing requests in flight, then exiting/);
    assert.match(err, /failure-router@production: not served: /, "an absent model is reported, not fatal");
  } finally {
    removeDir(models);
  }
});

test("serve's flags are checked before anything starts", async () => {
  const port = await runCliInProcess(["serve", "--port", "70000"]);
  assert.is(port.code, 2);
  assert.match(port.stderr, /--port/);
  const orphan = await runCliInProcess(["serve", "--ab-share", "0.5"]);
  assert.is(orphan.code, 2);
  assert.match(
    orphan.stderr,
    /--ab-share: is an online A\/B option, but no experiment was asked for; add --ab-b/,
  );
});

test.run();
