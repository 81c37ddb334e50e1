// The bindings tests see (`env` from cloudflare:test): the Worker's own, plus what vitest.config.ts adds.
type HeraldEnv = import("../src/env").Env;

declare namespace Cloudflare {
  interface Env extends HeraldEnv {
    AUTH_TOKEN_PREVIOUS_SECRET: string;
    TEST_DB_PATH: string;
    ENCRYPTION_KEY: string;
    ENCRYPTION_KEY_ID: string;
    ENCRYPTION_PREVIOUS_KEY: string;
    ENCRYPTION_PREVIOUS_KEY_ID: string;
    RESEND_WEBHOOK_SECRET: string;
  }
}
