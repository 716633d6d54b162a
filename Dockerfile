# syntax=docker/dockerfile:1

# ---- build ---------------------------------------------------------------
# No protoc needed: build.rs compiles proto/ with protox (pure Rust).
FROM rust:1.95-bookworm AS builder
WORKDIR /src

# The whole context (see .dockerignore): Cargo.toml, Cargo.lock, build.rs, proto/, src/ and any
# declared [[bench]]/[[test]] targets, whose files cargo wants present even when not building them.
COPY . .

RUN cargo build --release --locked \
    && strip target/release/csat

# ---- runtime -------------------------------------------------------------
FROM debian:bookworm-slim

# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 csat \
    && useradd --system --uid 10001 --gid csat --home-dir /var/lib/csat --shell /usr/sbin/nologin csat \
    && install -d -o csat -g csat -m 0750 /var/lib/csat

COPY --from=builder /src/target/release/csat /usr/local/bin/csat

ENV CSAT_DATABASE_URL="sqlite:///var/lib/csat/csat.db?mode=rwc" \
    CSAT_LOG_FORMAT=json

USER 10001:10001
WORKDIR /var/lib/csat
EXPOSE 50051

# For plain Docker (Kubernetes ignores it and runs the manifests' probes): `csat health` asks
# the health service, which answers NOT_SERVING while csat migrates, drains, or has lost its
# database. Migrations and rollup builds on a large database may take minutes: failures in the
# first 10 minutes do not count, and the first success ends that period. A container serving
# TLS (--tls-cert) needs its own check: --health-cmd 'csat health --server https://…'.
HEALTHCHECK --interval=15s --timeout=5s --start-period=10m --retries=3 \
    CMD ["/usr/local/bin/csat", "health", "--server", "http://127.0.0.1:50051", "--timeout", "3"]

ENTRYPOINT ["/usr/local/bin/csat"]
# All interfaces, so csat refuses to start without a way to authenticate callers: mount a keys
# file and name it (`-v ./keys.yaml:/etc/csat/keys/keys.yaml:ro -e
# CSAT_API_KEYS_FILE=/etc/csat/keys/keys.yaml`), or, on a laptop only, allow anonymous callers
# (`-e CSAT_ALLOW_UNAUTHENTICATED=true`, and csat warns): README.md, "Run the image".
CMD ["serve", "--listen", "0.0.0.0:50051"]
