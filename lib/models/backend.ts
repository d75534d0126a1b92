import { HomeforgeError } from "../core/errors.js";
import { registerFileSystemRouter } from "./registry/fileIO.js";
import { importTf, type Tf } from "./tfModule.js";

/** TensorFlow.js backends homeforge uses, best first. */
export const BACKEND_PREFERENCE = ["tensorflow", "wasm", "cpu"] as const;
export type BackendName = (typeof BACKEND_PREFERENCE)[number];

const BACKEND_PACKAGE: Record<BackendName, string> = {
  tensorflow: "@tensorflow/tfjs-node",
  wasm: "@tensorflow/tfjs-backend-wasm",
  cpu: "@tensorflow/tfjs (built in)",
};

export interface BackendCandidate {
  name: BackendName;
  package: string;
  available: boolean;
  /** Why it is not available. */
  reason?: string;
}

export interface BackendChoice {
  backend: BackendName;
  /** Set when HOMEFORGE_BACKEND (or the `force` option) decided. */
  forced: boolean;
  candidates: BackendCandidate[];
  tf: Tf;
}

let loaded: Promise<BackendCandidate[]> | undefined;
let lastChoice: BackendChoice | undefined;

/** The last backend chooseBackend initialised (undefined: it has not run yet). */
export function chosenBackend(): BackendChoice | undefined {
  return lastChoice;
}

/** Imports the optional backend packages once and reports which registered. */
function loadCandidates(tf: Tf): Promise<BackendCandidate[]> {
  loaded ??= (async () => {
    const candidates: BackendCandidate[] = [];
    for (const name of BACKEND_PREFERENCE) {
      const candidate: BackendCandidate = { name, package: BACKEND_PACKAGE[name], available: false };
      try {
        if (name === "tensorflow") await import("@tensorflow/tfjs-node" as string);
        if (name === "wasm") await import("@tensorflow/tfjs-backend-wasm");
        candidate.available =
          tf.findBackendFactory(name) !== null && tf.findBackendFactory(name) !== undefined;
        if (!candidate.available) candidate.reason = "package loaded but registered no backend";
      } catch (e) {
        candidate.reason = `${BACKEND_PACKAGE[name]} is not installed (${firstLine(e)})`;
      }
      candidates.push(candidate);
    }
    return candidates;
  })();
  return loaded;
}

function firstLine(e: unknown): string {
  return String((e as Error)?.message ?? e).split("\n")[0];
}

/**
 * Picks and initialises the best TensorFlow.js backend present: native `tensorflow`
 * (optional @tensorflow/tfjs-node) → `wasm` → `cpu`. HOMEFORGE_BACKEND (or `force`) names one
 * explicitly; a forced backend that is unknown or absent is an error, never a silent fallback.
 * Loads TensorFlow.js on first call (and registers the file:// router, see fileIO.ts).
 */
export async function chooseBackend(
  options: { force?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<BackendChoice> {
  const env = options.env ?? process.env;
  const requested = options.force ?? (env.HOMEFORGE_BACKEND || undefined);
  const field = options.force ? "backend" : "HOMEFORGE_BACKEND";
  if (requested !== undefined && !(BACKEND_PREFERENCE as readonly string[]).includes(requested)) {
    throw new HomeforgeError(
      field,
      `"${requested}" is not a backend homeforge knows`,
      `use one of ${BACKEND_PREFERENCE.join(", ")}, or unset it to pick the best present`,
    );
  }
  const tf = await importTf();
  registerFileSystemRouter(tf);
  const candidates = await loadCandidates(tf);
  if (requested !== undefined) {
    const candidate = candidates.find((c) => c.name === requested)!;
    if (!candidate.available) {
      throw new HomeforgeError(
        field,
        `backend ${requested} is not available: ${candidate.reason}`,
        `install ${candidate.package}, or unset ${field} to use the best backend present`,
      );
    }
  }
  const order = requested
    ? [requested as BackendName]
    : candidates.filter((c) => c.available).map((c) => c.name);
  for (const name of order) {
    try {
      if (await tf.setBackend(name)) {
        await tf.ready();
        lastChoice = { backend: name, forced: requested !== undefined, candidates, tf };
        return lastChoice;
      }
    } catch (e) {
      const candidate = candidates.find((c) => c.name === name)!;
      candidate.available = false;
      candidate.reason = `failed to initialise (${firstLine(e)})`;
      if (requested) {
        throw new HomeforgeError(
          field,
          `backend ${name} failed to initialise (${firstLine(e)})`,
          `unset ${field} to fall back`,
        );
      }
    }
  }
  throw new HomeforgeError(
    "backend",
    "no TensorFlow.js backend could be initialised",
    "reinstall with `npm ci`",
  );
}
