import { existsSync, readFileSync } from "node:fs";
import { posix } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

// compose.yaml's `monitoring` profile (Prometheus, Grafana with Herald's dashboard, Jaeger) cannot be started here
// (no container engine), so its wiring is checked file against file: every mounted file exists, Prometheus scrapes
// the port Herald serves metrics on, Grafana reads its data source and the dashboard where they are mounted.

const root = new URL("../../../../", import.meta.url);
const read = (path: string) => readFileSync(fileURLToPath(new URL(path, root)), "utf8");

interface Service {
  image?: string;
  profiles?: string[];
  ports?: string[];
  volumes?: string[];
  environment?: Record<string, string>;
}
const compose = parse(read("compose.yaml")) as { services: Record<string, Service>; volumes: Record<string, unknown> };
const { herald, prometheus, grafana, jaeger } = compose.services as Record<string, Service>;

/** A service's bind mounts (host path → container path); named volumes are left out. */
function binds(service: Service | undefined): Map<string, string> {
  return new Map(
    (service?.volumes ?? [])
      .map((volume) => volume.split(":"))
      .filter(([host]) => host?.startsWith("./"))
      .map(([host, container]) => [host as string, container as string]),
  );
}

describe("compose.yaml's monitoring profile", () => {
  it("runs Prometheus, Grafana and Jaeger only when asked for, on pinned images, published on loopback", () => {
    for (const service of [prometheus, grafana, jaeger]) {
      expect(service?.profiles).toEqual(["monitoring"]);
      expect(service?.image).toMatch(/:v?\d+\.\d+\.\d+$/);
      for (const port of service?.ports ?? []) expect(port).toMatch(/^127\.0\.0\.1:/);
    }
    expect(herald?.profiles).toBeUndefined();
  });

  it("mounts files that exist, and names every named volume it uses", () => {
    for (const service of Object.values(compose.services)) {
      for (const [host] of binds(service)) expect(existsSync(fileURLToPath(new URL(host, root))), host).toBe(true);
      for (const volume of service.volumes ?? []) {
        const [source] = volume.split(":");
        if (!source?.startsWith("./")) expect(Object.keys(compose.volumes)).toContain(source);
      }
    }
  });

  it("has Prometheus scrape the port Herald serves /metrics on, on the compose network", () => {
    const config = parse(read("docs/monitoring/prometheus.yml")) as {
      scrape_configs: Array<{ metrics_path?: string; static_configs: Array<{ targets: string[] }> }>;
    };
    const [job] = config.scrape_configs;
    expect(job?.metrics_path ?? "/metrics").toBe("/metrics");
    expect(job?.static_configs[0]?.targets).toEqual([`herald:${herald?.environment?.HERALD_METRICS_PORT}`]);
    // Listening beyond the container's loopback, and not published on the host.
    expect(herald?.environment?.HERALD_METRICS_HOST).toBe("0.0.0.0");
    expect(herald?.ports?.join(" ")).not.toContain(herald?.environment?.HERALD_METRICS_PORT);
    expect(binds(prometheus).get("./docs/monitoring/prometheus.yml")).toBe("/etc/prometheus/prometheus.yml");
  });

  it("has Grafana provision the Prometheus data source and load Herald's dashboard from where it is mounted", () => {
    const mounts = binds(grafana);
    expect(mounts.get("./docs/grafana/provisioning")).toBe("/etc/grafana/provisioning");
    const datasources = parse(read("docs/grafana/provisioning/datasources/prometheus.yml")) as {
      datasources: Array<{ type: string; url: string; isDefault: boolean }>;
    };
    expect(datasources.datasources).toEqual([
      expect.objectContaining({ type: "prometheus", url: "http://prometheus:9090", isDefault: true }),
    ]);
    const providers = parse(read("docs/grafana/provisioning/dashboards/herald.yml")) as {
      providers: Array<{ options: { path: string } }>;
    };
    const dashboardAt = mounts.get("./docs/grafana/herald-dashboard.json");
    expect(dashboardAt && posix.dirname(dashboardAt)).toBe(providers.providers[0]?.options.path);
  });
});
