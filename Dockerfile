# syntax=docker/dockerfile:1
# Pairline: Node 24 runs the TypeScript sources as they are (type stripping), so there is no build step.
# docker build -t pairline . && docker run -p 3001:3001 -e JWT_SECRET=… -v pairline-data:/data pairline
# On Bun instead of Node: docker build --target bun -t pairline:bun .

# --- production dependencies only (no TypeScript, no test tools, no `node` package) ---
FROM node:24-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

# --- Bun, the version package.json pins, from the npm package of this platform ---
FROM node:24-bookworm-slim AS bun-binary
WORKDIR /bun
COPY package.json /app/package.json
RUN npm install --ignore-scripts --no-audit --no-fund "bun@$(node -p 'require("/app/package.json").devDependencies.bun')" \
 && cp node_modules/@oven/bun-*/bin/bun /usr/local/bin/bun

# --- the image, on Node ---
FROM node:24-bookworm-slim AS app
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
CMD ["node", "src/main.js"]

# --- the same image on Bun (`--target bun`): the same sources, run by Bun ---
FROM app AS bun
COPY --from=bun-binary /usr/local/bin/bun /usr/local/bin/bun
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["bun", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3001) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["bun", "src/server.ts"]

# --- the default target: Node ---
FROM app AS node
