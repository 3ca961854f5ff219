# The codex-jobs image: every entry point that runs Codex, on linux/amd64 (Cloud Run's and GKE's usual
# nodes; npm picks the codex binary package, @openai/codex-linux-x64 with its bubblewrap, for the
# platform `npm ci` runs on, so both stages are pinned to it even when built on an arm64 machine).
#   - the long-lane worker (the default command): node dist/functions/worker.js
#   - a function through the Functions Framework, as Terraform runs the processors:
#       /app/node_modules/.bin/functions-framework --target=processor --signature-type=http
#     with FUNCTION_TARGET=processor (dist/functions/index.js then loads only that target's module);
#     any target of functions/index.ts runs the same way, listening on PORT (default 8080).
# Build from the repository root:
#   docker build --platform linux/amd64 -t REGION-docker.pkg.dev/PROJECT/codex-jobs/codex-jobs:TAG .
# or without a local engine: gcloud builds submit --tag REGION-docker.pkg.dev/PROJECT/codex-jobs/codex-jobs:TAG
# (No container engine exists on the development machines, so this file was never built there;
# test/unit/terraform/docker-image.test.ts checks what it copies against what the build makes.)

# Build stage: every dependency, then the TypeScript build (the same `npm run build` as the functions):
# one bundle per function (dev/build-bundles.ts) and, this being Node 22, V8's compile cache of them
# at /app/dist/compile-cache (dev/build-compile-cache.ts), the path and Node the runtime stage uses.
FROM --platform=linux/amd64 node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
# The source tree (.dockerignore keeps node_modules, dist, state and secrets out): what tsconfig includes.
COPY . .
RUN npm run build

# Runtime stage: production dependencies only (they include @openai/codex with its codex binary and
# bubblewrap, and the Functions Framework), git for workspaces from git, iproute2 (`ip link set lo up`
# in an environment's network namespace, shared/environment/netns-entry.ts), python3 with venv (so an
# environment's setup can make a Python project's virtualenv: docs/ENVIRONMENTS.md), and the build output.
FROM --platform=linux/amd64 node:22-bookworm-slim
ENV NODE_ENV=production
RUN apt-get update \
  && apt-get install -y --no-install-recommends git ca-certificates iproute2 python3 python3-venv \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force
COPY --from=build /app/dist ./dist
# Jobs run as an unprivileged user; their workspaces live under the OS temp dir (memory on Cloud Run).
USER node
# The Functions Framework listens on PORT (Cloud Run sets it); the worker's health port is WORKER_HEALTH_PORT.
EXPOSE 8080
# Cloud Run and Kubernetes stop the container with SIGTERM to this process: it drains (WORKER_GRACE_MS).
CMD ["node", "dist/functions/worker.js"]
