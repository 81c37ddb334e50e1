// Cloudflare Queues' limits that more than the producers depend on (the settings check the retry schedule against
// them); kept free of Workers types so Node scripts can import them.

/** Cloudflare Queues delays a message by at most 24 h. */
export const MAX_DELAY_SECONDS = 86_400;
