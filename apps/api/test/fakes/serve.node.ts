// The vendor fakes (vendors.ts) on one real loopback port, for the Node runtime's tests: a vendor integration there
// targets http://127.0.0.1:<port>/<type>/<the vendor's own path> (loopbackToVendorUrl), which a development setting
// lets vendor types reach. A scripted drop closes the socket for real.
import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { getRequestListener } from "@hono/node-server";
import { DROPPED_CONNECTION_HEADER } from "../scenarios/scripted-receiver";
import type { Clock } from "./vendor-kit";
import { createVendorFakes, loopbackToVendorUrl, type VendorFakes } from "./vendors";

export interface VendorFakesServer {
  /** http://127.0.0.1:<port> */
  origin: string;
  fakes: VendorFakes;
  /** The loopback URL standing for a vendor URL, e.g. https://hooks.slack.com/services/… → <origin>/slack/services/… */
  loopbackUrl(vendorUrl: string): string;
  close(): Promise<void>;
}

export async function startVendorFakes(options: { now?: Clock } = {}): Promise<VendorFakesServer> {
  const fakes = createVendorFakes(options);
  const listener = getRequestListener(async (request, env) => {
    const target = loopbackToVendorUrl(new URL(request.url));
    if (!target) return new Response("no vendor at this path: start it with /<integration type>/", { status: 404 });
    const hasBody = request.method !== "GET" && request.method !== "HEAD";
    const answer = await fakes.fetch(
      new Request(target, {
        method: request.method,
        headers: request.headers,
        body: hasBody ? await request.arrayBuffer() : undefined,
      }),
    );
    if (!answer) return new Response("no such vendor", { status: 404 });
    if (answer.headers.has(DROPPED_CONNECTION_HEADER)) {
      env.incoming.socket.destroy();
      return new Response(null, { status: 502 });
    }
    return answer;
  });
  const server = createServer(listener);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    origin,
    fakes,
    loopbackUrl(vendorUrl) {
      const url = new URL(vendorUrl);
      const vendor = fakes.vendorOf(url);
      if (!vendor) throw new Error(`not a vendor URL: ${url.origin}`);
      return `${origin}/${vendor}${url.pathname}${url.search}`;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
