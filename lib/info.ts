import { resolve } from "node:path";
import { defaultDataRoot, defaultModelsRoot } from "./core/paths.js";
import { dependencyVersion, GENERATOR_VERSION, packageVersion } from "./core/version.js";

export interface HomeforgeInfo {
  homeforge: string;
  generatorVersion: string;
  node: string;
  backend: string;
  backendForced: boolean;
  backends: { name: string; available: boolean; reason?: string }[];
  versions: Record<string, string | null>;
  dataDir: string;
  modelsDir: string;
}

const REPORTED_PACKAGES = [
  "@tensorflow/tfjs",
  "@tensorflow/tfjs-backend-wasm",
  "@tensorflow/tfjs-node",
  "danfojs",
  "apache-arrow",
  "better-sqlite3",
  "hyparquet",
];

/**
 * What `homeforge info` prints, as data. The backend module (and with it TensorFlow.js) is
 * imported here, on the call, so that importing homeforge stays light.
 */
export async function collectInfo(env: NodeJS.ProcessEnv = process.env): Promise<HomeforgeInfo> {
  const { chooseBackend } = await import("./models/backend.js");
  const choice = await chooseBackend({ env });
  return {
    homeforge: packageVersion(),
    generatorVersion: GENERATOR_VERSION,
    node: process.version,
    backend: choice.backend,
    backendForced: choice.forced,
    backends: choice.candidates.map(({ name, available, reason }) => ({ name, available, reason })),
    versions: Object.fromEntries(REPORTED_PACKAGES.map((p) => [p, dependencyVersion(p)])),
    dataDir: defaultDataRoot(env),
    modelsDir: defaultModelsRoot(env),
  };
}

export function formatInfo(info: HomeforgeInfo): string {
  const lines = [
    `homeforge ${info.homeforge} (generator v${info.generatorVersion}, node ${info.node})`,
    `backend: ${info.backend}${info.backendForced ? " (forced by HOMEFORGE_BACKEND)" : ""}`,
    ...info.backends.map((b) => `  ${b.available ? "✓" : "✗"} ${b.name}${b.reason ? ` — ${b.reason}` : ""}`),
    "versions:",
    ...Object.entries(info.versions).map(([p, v]) => `  ${p} ${v ?? "(not installed)"}`),
    `data:   ${info.dataDir}`,
    `models: ${info.modelsDir}`,
  ];
  return lines.join("\n");
}
