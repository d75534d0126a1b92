/**
 * `homeforge/serving`: the HTTP service (`createServer` / `startServer`, Fastify) and its
 * online A/B testing (arms, the experiment log, per-arm reports).
 */
export * from "./onlineAb.js";
export * from "./onlineAbReport.js";
export { historySchema, predictBodySchema, telemetryRowSchema } from "./schemas.js";
export { createServer, type ServerOptions, type StartedServer, startServer } from "./server.js";
