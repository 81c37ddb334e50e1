declare namespace Cloudflare {
  interface Env {
    LIBSQL_URL: string;
    AUTH_TOKEN_SECRET: string;
    AUTH_TOKEN_PREVIOUS_SECRET: string;
    TEST_DB_PATH: string;
  }
}
