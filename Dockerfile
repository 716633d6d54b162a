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

ENTRYPOINT ["/usr/local/bin/csat"]
CMD ["serve", "--listen", "0.0.0.0:50051"]
