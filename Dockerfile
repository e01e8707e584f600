# syntax=docker/dockerfile:1
# Pairline: Node 24 runs the TypeScript sources as they are (type stripping), so there is no build step.
# docker build -t pairline . && docker run -p 3001:3001 -e JWT_SECRET=… -v pairline-data:/data pairline

# --- production dependencies only (no TypeScript, no test tools, no `node` package) ---
FROM node:24-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

# --- the image ---
FROM node:24-bookworm-slim
ENV NODE_ENV=production \
    PORT=3001 \
    DATA_DIR=/data \
    LOG_DIR=/data/logs
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY src ./src
COPY rooms ./rooms
COPY public ./public
COPY scripts ./scripts
RUN mkdir -p /data/logs && chown -R node:node /data
# the base image's unprivileged user (uid 1000)
USER node
VOLUME ["/data"]
EXPOSE 3001
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3001) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM drains the process (rooms told, chats ended, requests finished); give it twice SHUTDOWN_TIMEOUT_MS
# and a margin: `docker stop -t 25` (compose: stop_grace_period).
STOPSIGNAL SIGTERM
CMD ["node", "src/server.ts"]
