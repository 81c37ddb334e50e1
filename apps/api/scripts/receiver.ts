// A local webhook receiver for trying Herald with `npm run dev`: prints each delivery and checks its signature with
// the Standard Webhooks library, as a receiver in production would.
//   pnpm --filter @herald/api receiver                      # listens on http://127.0.0.1:9000
//   HERALD_SIGNING_SECRET=whsec_... pnpm --filter @herald/api receiver   # also verifies signatures
// Any path works; a path ending in /fail answers 500, so retries can be watched.
import { createServer } from "node:http";
import { Webhook } from "standardwebhooks";

const port = Number(process.env.RECEIVER_PORT ?? 9000);
const secret = process.env.HERALD_SIGNING_SECRET;

createServer(async (request, response) => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks).toString("utf8");
  const headers = Object.fromEntries(
    Object.entries(request.headers).map(([name, value]) => [
      name,
      Array.isArray(value) ? value.join(", ") : (value ?? ""),
    ]),
  );
  const signature = secret ? verified(secret, body, headers) : "not checked";
  const failing = request.url?.endsWith("/fail") ?? false;
  console.log(
    `${new Date().toISOString()} ${request.method} ${request.url} webhook-id=${headers["webhook-id"]} signature=${signature}` +
      ` -> ${failing ? 500 : 200}\n${body}\n`,
  );
  response.writeHead(failing ? 500 : 200, { "content-type": "text/plain" }).end(failing ? "failing on purpose" : "ok");
}).listen(port, "127.0.0.1", () => console.log(`receiver: http://127.0.0.1:${port}`));

function verified(secret: string, body: string, headers: Record<string, string>): string {
  try {
    new Webhook(secret).verify(body, headers);
    return "valid";
  } catch (error) {
    return `INVALID (${(error as Error).message})`;
  }
}
