# One image for the API and the worker; the command picks the role.
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-fund --no-audit

FROM deps AS build
COPY . .
RUN npm run build:ui

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/admin/dist ./admin/dist
COPY --from=build /app/portal/dist ./portal/dist
COPY . .
USER node
EXPOSE 3000
CMD ["npx", "tsx", "api/server.ts"]
