# syntax=docker/dockerfile:1
# prenatal-cds container image (docs/deploy.md#image). The same steps as the release tarball:
# the build stage runs `npm ci` and `npm run release` (scripts/release.mjs: `npm run build`, then
# `npm pack`), the runtime stage installs that tarball with `npm ci --omit=dev`, exactly the
# production install that test/release/release-tarball.test.ts runs. Static checks of this file:
# test/release/dockerfile-static.test.ts.

FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
# What scripts/release.mjs copies into its staging directory (SOURCES), nothing else.
COPY tsconfig.json tsconfig.build.json README.md ./
COPY docs ./docs
COPY src ./src
COPY scripts ./scripts
COPY cds-hooks ./cds-hooks
RUN npm run release

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /src/release/ /tmp/release/
RUN tar -xzf /tmp/release/prenatal-cds-*.tgz --strip-components=1 -C /app \
 && rm -rf /tmp/release \
 && npm ci --omit=dev --no-audit --no-fund \
 && npm cache clean --force \
 && mkdir -p /var/lib/prenatal-cds \
 && chown node:node /var/lib/prenatal-cds
# The application files stay root's (read-only to the service); only DATA_DIR is writable.
USER node
ENV PORT=8080 HOST=0.0.0.0 DATA_DIR=/var/lib/prenatal-cds
# The embedded store (PGlite) when DATABASE_URL is unset: one container per volume.
VOLUME ["/var/lib/prenatal-cds"]
EXPOSE 8080
# GET /readyz on the container's own port, with node (the slim image has no curl).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 CMD ["node", "scripts/healthcheck.mjs"]
CMD ["node", "dist/src/main.js"]
