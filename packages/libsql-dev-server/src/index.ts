export { createLibsqlHandler, type LibsqlHandler, type LibsqlHandlerOptions } from "./handler";
export { type LibsqlDevServer, type LibsqlDevServerOptions, startLibsqlDevServer } from "./server";
