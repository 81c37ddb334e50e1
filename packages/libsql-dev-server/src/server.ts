import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createLibsqlHandler, type LibsqlHandler, type LibsqlHandlerOptions } from "./handler";

export type LibsqlDevServerOptions = LibsqlHandlerOptions & {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Loopback by default: this server has no business being reachable from elsewhere. */
  host?: string;
};

export type LibsqlDevServer = {
  /** e.g. `http://127.0.0.1:8080`, ready for `createClient({ url })`. */
  url: string;
  port: number;
  /** Stops listening, drops open HTTP connections and closes the database connections. */
  close(): Promise<void>;
};

/** Serves the handler over node:http. Rejects (with the listen error's `code`, e.g. EADDRINUSE) if it cannot listen. */
export async function startLibsqlDevServer(options: LibsqlDevServerOptions): Promise<LibsqlDevServer> {
  const host = options.host ?? "127.0.0.1";
  const handler = createLibsqlHandler(options);
  const server = createServer((req, res) => {
    void serve(handler, req, res);
  });

  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port ?? 0, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (error) {
    handler.close();
    throw error;
  }

  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(":") ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        // idle keep-alive sockets would otherwise hold server.close() open until they time out
        server.closeAllConnections();
        handler.close();
      });
      return closing;
    },
  };
}

async function serve(handler: LibsqlHandler, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    const response = await handler.fetch(await toFetchRequest(req));
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  } catch {
    // reading the body failed (client went away); nothing useful is left to answer
    if (!res.headersSent) res.writeHead(400);
    res.end();
  }
}

async function toFetchRequest(req: IncomingMessage): Promise<Request> {
  const headers = new Headers();
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    headers.append(req.rawHeaders[i] as string, req.rawHeaders[i + 1] as string);
  }
  const method = req.method ?? "GET";
  let body: Buffer | undefined;
  if (method !== "GET" && method !== "HEAD") {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    body = Buffer.concat(chunks);
  }
  return new Request(new URL(req.url ?? "/", "http://libsql-dev-server"), { method, headers, body });
}
