// Herald's layers, checked by `npm run lint` (`pnpm run lint:layers`). Lowest first:
//
//   packages/contracts ← packages/db ← apps/api/src: lib ← (auth, security, mappers, errors.ts, env.ts) ← queues
//   ← delivery ← services ← (consumers, routes, middleware, app.ts) ← index.ts ← hosts
//
// A module imports its own layer or lower ones, never a higher one; type-only imports count too (a type cycle is
// still a cycle to read and to move). Tests may import anything: they drive the system from outside, across layers,
// on purpose, so they are left out of the graph (`options.exclude`). README.md's "Architecture" describes the layers.
//
// Known violations would be listed in .dependency-cruiser-known-violations.json (`--ignore-known`); there are none:
// keep it so, fixing a violation where it is rather than recording it.

const TESTS = ["(^|/)test/", "\\.test\\.[cm]?[jt]s$", "/test-results/"];

const API = "^apps/api/src/";

/** apps/api's layers, lowest first; each may import only its own and lower layers. */
const API_LAYERS = [
  {
    name: "api-lib",
    path: [`${API}lib/`],
    why: "lib/ holds leaf helpers (base64, settings, OpenAPI response shapes) that know nothing of Herald's domain",
  },
  {
    name: "api-primitives",
    path: [
      `${API}auth/`,
      `${API}security/`,
      `${API}mappers/`,
      `${API}errors\\.ts$`,
      `${API}env\\.ts$`,
      `${API}settings\\.ts$`,
      `${API}ports\\.ts$`,
      `${API}observability/`,
    ],
    why:
      "auth, security, row→contract mappers, errors, settings, the interfaces the domain implements (ports.ts), the " +
      "Workers telemetry (observability/) and " +
      "the Env/Services types are what every layer above shares; " +
      "they may lean on each other and on lib, never on queues, delivery, services or the edges",
  },
  {
    name: "api-queues",
    path: [`${API}queues/`],
    why: "queues/producers.ts is the one module that puts messages on queues; services, delivery and consumers all use it",
  },
  {
    name: "api-delivery",
    path: [`${API}delivery/`],
    why: "delivery (fan-out, attempts, retry policy, webhooks, e-mail) is domain work that services and consumers call",
  },
  {
    name: "api-services",
    path: [`${API}services/`],
    why: "services are the domain verbs the HTTP layer and the consumers call; they never call back into either",
  },
  {
    name: "api-edges",
    path: [`${API}consumers/`, `${API}routes/`, `${API}middleware/`, `${API}app\\.ts$`],
    why: "routes/middleware/app.ts (HTTP) and consumers (queues, sweeper) turn outside input into service calls",
  },
  {
    name: "api-worker-entry",
    path: [`${API}index\\.ts$`],
    why: "index.ts is the Worker entry: it wires the HTTP app, the consumers and the sweeper together",
  },
  {
    name: "hosts",
    path: ["^apps/api/node/", "^apps/api/scripts/", "^scripts/", "^bench/", "^examples/"],
    why: "hosts (Node runtime, scripts, bench, examples) sit on top: they run the app, nothing runs them",
  },
];

const layerRules = API_LAYERS.slice(0, -1).map((layer, index) => ({
  name: `layer-${layer.name}`,
  comment: `${layer.why}. It may not import a higher layer.`,
  severity: "error",
  from: { path: layer.path },
  to: { path: API_LAYERS.slice(index + 1).flatMap((higher) => higher.path) },
}));

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: "http-never-touches-db",
      comment:
        "Routes, middleware and app.ts call services; only services, delivery and consumers use packages/db's " +
        "repositories, so every write goes through one place that owns its rules.",
      severity: "error",
      from: { path: [`${API}routes/`, `${API}middleware/`, `${API}app\\.ts$`] },
      to: { path: "^packages/db/" },
    },
    {
      name: "contracts-import-nothing-of-ours",
      comment:
        "packages/contracts is the bottom layer: the wire shapes every other package and the client agree on. " +
        "It depends on zod and zod-to-openapi only.",
      severity: "error",
      from: { path: "^packages/contracts/" },
      to: { path: "^(apps|bench|examples|scripts)/|^packages/(?!contracts/)" },
    },
    {
      name: "db-imports-only-contracts",
      comment:
        "packages/db (schema, stored states, repositories) sits on contracts only; the API depends on it, never the " +
        "other way round.",
      severity: "error",
      from: { path: "^packages/db/" },
      to: { path: "^(apps|bench|examples|scripts)/|^packages/(?!(db|contracts)/)" },
    },
    {
      name: "packages-never-import-apps",
      comment:
        "Packages (client, webhooks, libsql-dev-server, ...) are libraries the apps and users build on; an app " +
        "import would drag a Worker into them. (packages/client/scripts/generate.ts loads the API's routes by URL " +
        "at build time to write openapi.json: a generator, not an import.)",
      severity: "error",
      from: { path: "^packages/" },
      to: { path: "^(apps|bench|examples|scripts)/" },
    },
    {
      name: "shared-packages-are-leaves",
      comment: "packages/webhooks and packages/libsql-dev-server are shared by the API, the client and tests: leaves.",
      severity: "error",
      from: { path: "^packages/(webhooks|libsql-dev-server)/" },
      to: { path: "^packages/(?!(webhooks|libsql-dev-server)/)" },
    },
    {
      name: "workspace-sources-resolve",
      comment:
        "The rules above see @herald/contracts and @herald/db by their resolved paths (packages/*/src); an import " +
        "that stopped resolving would slip past every one of them unseen.",
      severity: "error",
      from: {},
      to: { couldNotResolve: true, path: "^@herald/(contracts|db)(/|$)" },
    },
    {
      name: "no-circular",
      comment: "A module cycle has no order to read, test or load it in; move what both sides need below both.",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    {
      name: "no-folder-cycle",
      comment:
        "Folders form a one-way stack too: a folder's modules may not, through other folders, import the folder.",
      severity: "error",
      scope: "folder",
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    exclude: {
      path: [...TESTS, "(^|/)node_modules/", "(^|/)dist/", "(^|/)dist-node/", "(^|/)\\.wrangler/", "\\.d\\.ts$"],
    },
    doNotFollow: { path: "(^|/)node_modules/" },
    // Type-only imports are dependencies too (see the top of this file).
    tsPreCompilationDeps: true,
    // Workspace packages resolve through their package.json `exports`, as TypeScript and the bundlers see them.
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["types", "import", "default"],
      extensions: [".ts", ".mts", ".js", ".mjs", ".json"],
    },
    cache: false,
  },
};
