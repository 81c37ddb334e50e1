// The soak's webhook receiver as a child process (see forkFaultReceiver in soak-targets.ts). Options come as the
// first argument; it answers "calls" with every call it saw, and stops on "close" or when its parent goes away.
import { type FaultReceiverOptions, startFaultReceiver } from "./soak-targets";

const receiver = await startFaultReceiver(JSON.parse(process.argv[2] ?? "{}") as FaultReceiverOptions);
const send = (message: unknown) => process.send?.(message);
process.on("message", (message) => {
  if (message === "calls") send(receiver.calls);
  if (message === "close") process.disconnect();
});
process.on("disconnect", () => {
  void receiver.close().finally(() => process.exit(0));
});
send({ url: receiver.url });
