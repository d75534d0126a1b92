/**
 * `homeforge/serving`: the HTTP service and its online A/B testing. Fastify loads with the
 * server module, not with this barrel's A/B helpers.
 */
export * from "./onlineAb.js";
