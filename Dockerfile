# Tandem's server as an image: docker build -t tandem . (see docs/operations.md).

# Build: the whole workspace, then a copy of the server with its production dependencies only.
FROM node:24-bookworm-slim AS build
WORKDIR /src
RUN corepack enable
COPY . .
RUN pnpm install --frozen-lockfile
RUN pnpm exec tsc -b && pnpm --filter @tandem/example-web build
# --legacy: pnpm 10's deploy otherwise needs inject-workspace-packages for the workspace's own packages.
RUN pnpm --filter @tandem/server deploy --prod --legacy /app && cp -r examples/web/dist /app/web

# Run: no compiler, no sources of the other packages, not root.
FROM node:24-bookworm-slim
ENV NODE_ENV=production \
    PORT=1234 \
    DATA_DIR=/var/lib/tandem \
    STATIC_DIR=/app/web
COPY --from=build /app /app
# The image's user "node" (uid 1000) owns only the data directory (PGlite, when DATABASE_URL is unset).
RUN mkdir -p /var/lib/tandem && chown node:node /var/lib/tandem
USER node
WORKDIR /app
VOLUME /var/lib/tandem
EXPOSE 1234
# Ready means storage answers a query; node's fetch, since the slim image has no curl.
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/readyz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM starts the graceful shutdown; give it SHUTDOWN_TIMEOUT_MS twice over (docker stop -t 30).
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "/app/bin/tandem-server.js"]
