# Herald's Node self-host as an image: the bundled server (apps/api/scripts/node-runtime.mjs, which says what the
# runtime directory holds) with only its production packages, the database on the /data volume.
#   docker build -t herald .
#   docker run -p 8787:8787 -v herald-data:/data herald      (or: docker compose up)
# apps/api/test/node/self-host-build.test.ts runs the same two node-runtime.mjs steps and this file's ENV, CMD and
# HEALTHCHECK on the machine itself, where no container engine runs.

FROM node:20-slim AS build
WORKDIR /src
RUN npm install --global --no-audit --no-fund pnpm@12.4.2
COPY . .
RUN pnpm install --frozen-lockfile
RUN node apps/api/scripts/node-runtime.mjs bundle
RUN node apps/api/scripts/node-runtime.mjs install

FROM node:20-slim
ENV NODE_ENV=production \
    HERALD_HOST=0.0.0.0 \
    HERALD_PORT=8787 \
    HERALD_DATA_DIR=/data
WORKDIR /app
COPY --from=build /src/apps/api/dist-node/ ./
RUN mkdir -p /data && chown node:node /data
VOLUME ["/data"]
USER node
EXPOSE 8787
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.HERALD_PORT}/health/ready`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "bin/server.mjs"]
