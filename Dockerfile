# The long-lane worker image (Cloud Run worker pool or GKE): `node dist/functions/worker.js`.
# Build from the repository root: docker build -t REGION-docker.pkg.dev/PROJECT/codex-jobs/worker:TAG .
# (No container engine exists on the development machines, so this file was never built there.)

# Build stage: every dependency, then the TypeScript build (the same `npm run build` as the functions).
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
# The whole source tree (.dockerignore keeps node_modules and dist out): whatever tsconfig includes.
COPY . .
RUN npm run build

# Runtime stage: production dependencies only (they include @openai/codex and its codex binary),
# git for workspaces from git, iproute2 (`ip link set lo up` in an environment's network namespace,
# shared/environment/netns-entry.ts), and the build output.
FROM node:22-bookworm-slim
ENV NODE_ENV=production
RUN apt-get update \
  && apt-get install -y --no-install-recommends git ca-certificates iproute2 \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force
COPY --from=build /app/dist ./dist
# Jobs run as an unprivileged user; their workspaces live under the OS temp dir.
USER node
# Cloud Run and Kubernetes stop the container with SIGTERM to this process: it drains (WORKER_GRACE_MS).
CMD ["node", "dist/functions/worker.js"]
