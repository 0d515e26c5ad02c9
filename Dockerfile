# syntax=docker/dockerfile:1
# Build stage: compile TypeScript with the dev dependencies.
FROM node:20.20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY src ./src
RUN npm run build

# Runtime stage: production dependencies and compiled code only, as a non-root user.
FROM node:20.20-bookworm-slim
# MALLOC_MMAP_THRESHOLD_: a fixed threshold makes glibc hand every buffer of 128 KB or more back to the system
# when it is freed. With glibc's default (a threshold that grows after big frees), the buffers of a few 10 MB
# messages stay in the process's heap for good and RSS never comes back down.
ENV NODE_ENV=production \
    PARLEY_DATA_DIR=/var/lib/parley \
    PARLEY_SMTP_HOST=0.0.0.0 \
    PARLEY_SMTP_PORT=25 \
    PARLEY_API_HOST=0.0.0.0 \
    PARLEY_API_PORT=8025 \
    PARLEY_GENERATE_SECRETS=false \
    UV_THREADPOOL_SIZE=16 \
    MALLOC_MMAP_THRESHOLD_=131072
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY config ./config
RUN mkdir -p /var/lib/parley && chown node:node /var/lib/parley
USER node
VOLUME ["/var/lib/parley"]
# 25: inbound SMTP (Docker >= 20.10 lets non-root bind low ports inside the container's namespace).
# 8025: admin API and health checks; publish it only on an internal network.
EXPOSE 25 8025
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PARLEY_API_PORT||8025)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["node", "dist/cli.js"]
CMD ["serve"]
