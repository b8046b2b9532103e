# One image holds every Arbiter app (the migration Job runs all three services' migrations from it); tag it once
# per Deployment: docker build -t arbiter/sync-service . && docker tag arbiter/sync-service arbiter/gateway …
# Each Deployment chooses its app with `args: ["node", "dist/apps/<app>/main.js"]`.
FROM node:24-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json .npmrc ./
COPY tools/patch-lock.cjs tools/
RUN npm ci
COPY . .
RUN npx nx run-many -t build --projects=tag:type:app

FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json .npmrc ./
# Production dependencies only; no install scripts run (none of the runtime packages needs one).
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /src/dist/apps ./dist/apps
USER 10001
EXPOSE 3000 3001 3002
CMD ["node", "dist/apps/gateway/main.js"]
