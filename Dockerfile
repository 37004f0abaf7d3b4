# shghar: multi-stage image. The base is a build argument so a machine without a registry can build from a locally
# assembled base (scripts/build-node-base-image.sh):
#   docker build --network host --build-arg NODE_IMAGE=shghar-node-base:local -t shghar:local .
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig*.json ./
COPY cmd ./cmd
COPY pkg ./pkg
COPY controllers ./controllers
# Non-TypeScript assets (schemas, OpenAPI documents) sit beside the compiled code that reads them. node does the copy
# so the build needs no tools beyond node and npm.
RUN npm run build \
 && node -e "const fs = require('fs'); for (const d of ['cmd', 'pkg', 'controllers']) fs.cpSync(d, 'dist/' + d, { recursive: true, filter: (s) => fs.statSync(s).isDirectory() || !s.endsWith('.ts') })"

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
# Inside a container the API must listen beyond loopback to be reachable through a published port; the HEALTHCHECK
# below reaches it on 127.0.0.1 either way. Override with -e SHGHAR_LISTEN=... (it takes precedence over the spec).
ENV SHGHAR_LISTEN=0.0.0.0:8080
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /src/dist ./dist
COPY bin ./bin
# A fixed non-root uid. It reaches the Docker socket only through the socket's group: add that gid at run time
# (compose: `group_add: ["<gid of /var/run/docker.sock>"]`, docker run: `--group-add <gid>`). Written with the shell
# alone so the same lines work on the official image and on a minimal local base.
RUN echo 'shghar:x:10001:10001:shghar:/app:/usr/sbin/nologin' >>/etc/passwd \
 && echo 'shghar:x:10001:' >>/etc/group \
 && mkdir -p /etc/shghar /var/lib/shghar \
 && chown 10001:10001 /var/lib/shghar
USER 10001:10001
EXPOSE 8080
# No curl in the slim image: ask node. SHGHAR_HEALTH_URL follows a non-default listen address.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch(process.env.SHGHAR_HEALTH_URL || 'http://127.0.0.1:8080/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "/app/bin/shghar.js"]
CMD ["run", "-f", "/etc/shghar"]
