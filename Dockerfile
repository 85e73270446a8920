# syntax=docker/dockerfile:1
# One image for the API, the worker and the one-shot jobs (migrate, seed); the command picks
# the role. Three stages: build with every dependency, install the runtime ones alone, and
# a final image with only those and the compiled output.
ARG NODE_IMAGE=node:22-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-fund --no-audit
COPY . .
# Server compiled to build/, the workflow bundle prebuilt, both UIs built.
RUN npm run build

FROM ${NODE_IMAGE} AS runtime-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-fund --no-audit

FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    UPLOAD_DIR=/var/lib/drypowder/uploads
# tini reaps children and passes SIGTERM on, so a stopping container drains its worker.
RUN apt-get update && apt-get install -y --no-install-recommends tini && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /var/lib/drypowder/uploads && chown -R node:node /var/lib/drypowder
WORKDIR /app
COPY --from=runtime-deps /app/node_modules ./node_modules
COPY --from=build /app/build ./build
COPY --from=build /app/admin/dist ./admin/dist
COPY --from=build /app/portal/dist ./portal/dist
COPY package.json ./
USER node
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=5s --retries=4 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.API_PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "build/api/server.js"]
