import type { FastifyInstance } from "fastify";
import { modelHealth } from "../models/lifecycle/modelHealth.js";
import { modelsStatus } from "../models/lifecycle/modelStatus.js";
import { modelVersion } from "../models/lifecycle/modelVersion.js";
import { errorResponses } from "./schemas.js";
import type { ServedModels } from "./servedModels.js";

/** How long a health report is reused (it loads and probes every served model). */
export const DEFAULT_HEALTH_CACHE_MS = 5000;

const query = {
  type: "object",
  additionalProperties: false,
  properties: {
    name: {
      type: "string",
      pattern: "^[A-Za-z0-9][A-Za-z0-9_.-]*$",
      maxLength: 200,
      description: "one model",
    },
    ref: {
      type: "string",
      pattern: "^(production|candidate|v?[1-9][0-9]{0,8})$",
      description: "production (default), candidate or a version",
    },
  },
} as const;

/** The lifecycle reports are JSON documents of their own (lib/models/lifecycle): passed through whole. */
const report = { type: "object", additionalProperties: true } as const;

/** What this process serves right now (it follows the registry within one poll interval). */
function servedNow(models: ServedModels) {
  const slot = (s: ServedModels["synergy"] | NonNullable<ServedModels["failure"]["a"]>) => ({
    name: s.name,
    ref: s.ref,
    version: s.current?.version ?? null,
    problem: s.current ? null : s.problem,
  });
  return {
    watch_interval_ms: models.watchIntervalMs,
    failure: Object.fromEntries(Object.entries(models.failure).map(([arm, s]) => [arm, slot(s)])),
    synergy: slot(models.synergy),
    ab: models.ab,
  };
}

/**
 * GET /api/predictions/models/status, /version and /health (the seed's paths): the lifecycle
 * library's reports (modelsStatus, modelVersion, modelHealth) for the registry the service
 * reads, `?name=` for one model and `?ref=` for another version. Status adds what this
 * process serves at the moment; health answers 503 when a model is unhealthy and is cached
 * for `healthCacheMs` per (name, ref), since it loads and probes every model it checks.
 */
export function registerModelRoutes(
  app: FastifyInstance,
  modelsDir: string,
  models: ServedModels,
  healthCacheMs = DEFAULT_HEALTH_CACHE_MS,
): void {
  const responses = { 200: report, ...errorResponses, 503: report };
  app.get(
    "/api/predictions/models/status",
    {
      schema: {
        summary: "served model per home type, its metrics and feature columns; what this process serves",
        querystring: { ...query, properties: { name: query.properties.name } },
        response: responses,
      },
    },
    async (request) => {
      const { name } = request.query as { name?: string };
      return { ...modelsStatus(modelsDir, name), service: servedNow(models) };
    },
  );
  app.get(
    "/api/predictions/models/version",
    {
      schema: {
        summary: "a version's facts: training date, dataset, metrics, training data, backend, libraries",
        querystring: query,
        response: responses,
      },
    },
    async (request) => {
      const { name, ref } = request.query as { name?: string; ref?: string };
      return modelVersion(modelsDir, name, ref);
    },
  );
  const cache = new Map<string, { at: number; report: Promise<Awaited<ReturnType<typeof modelHealth>>> }>();
  app.get(
    "/api/predictions/models/health",
    {
      schema: {
        summary:
          "files present and matching their hashes, the model loads and predicts on a probe, age (503: unhealthy)",
        querystring: query,
        response: responses,
      },
    },
    async (request, reply) => {
      const { name, ref } = request.query as { name?: string; ref?: string };
      const key = `${name ?? ""}@${ref ?? ""}`;
      const now = performance.now();
      let hit = cache.get(key);
      if (!hit || now - hit.at > healthCacheMs) {
        hit = { at: now, report: modelHealth(modelsDir, name, { ref }) };
        cache.set(key, hit);
        hit.report.catch(() => cache.delete(key)); // an error is not cached
      }
      const health = await hit.report;
      reply.status(health.healthy ? 200 : 503);
      return health;
    },
  );
}
