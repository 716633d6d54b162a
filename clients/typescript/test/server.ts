// Starts the real csat binary for a test: a temporary SQLite file, a free port, ready once
// grpc.health.v1 answers SERVING; stopped with SIGTERM, which must end it with exit code 0.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { HealthCheckResponse_ServingStatus, createCsatClient } from "@csat/client";

export interface RunningServer {
  /** `http://127.0.0.1:PORT`. */
  readonly baseUrl: string;
  /** Sends SIGTERM, waits for the exit and returns its code; removes the database folder. */
  stop(): Promise<number | null>;
}

const startTimeoutMs = 30_000;

/** Starts `$CSAT_BINARY serve` (with `extraArgs`) and resolves once it answers SERVING. */
export async function startServer(extraArgs: readonly string[] = []): Promise<RunningServer> {
  const binary = process.env.CSAT_BINARY;
  if (!binary) {
    throw new Error("CSAT_BINARY is not set: run the tests through run-tests.sh PATH_TO_CSAT_BINARY");
  }
  const dir = mkdtempSync(join(tmpdir(), "csat-ts-"));
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const child = spawn(
    binary,
    ["serve", "--listen", `127.0.0.1:${port}`, "--database-url", `sqlite://${join(dir, "csat.db")}?mode=rwc`, ...extraArgs],
    { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, RUST_LOG: process.env.RUST_LOG ?? "warn" } },
  );
  let output = "";
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  try {
    await waitUntilServing(baseUrl, child);
  } catch (err) {
    child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`csat did not become SERVING on ${baseUrl}: ${String(err)}\n--- server output ---\n${output}`);
  }
  return {
    baseUrl,
    async stop() {
      child.kill("SIGTERM");
      const code = await exited;
      rmSync(dir, { recursive: true, force: true });
      if (code !== 0) {
        process.stderr.write(`--- csat output (exit ${code}) ---\n${output}\n`);
      }
      return code;
    },
  };
}

async function waitUntilServing(baseUrl: string, child: ChildProcess): Promise<void> {
  const client = createCsatClient({ baseUrl, transport: "grpc", defaultTimeoutMs: 1_000 });
  const deadline = Date.now() + startTimeoutMs;
  let lastError: unknown = "no answer";
  try {
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`csat exited early (code ${child.exitCode}, signal ${child.signalCode})`);
      }
      try {
        const answer = await client.health.check({ service: "" });
        if (answer.status === HealthCheckResponse_ServingStatus.SERVING) {
          return;
        }
        lastError = `status ${HealthCheckResponse_ServingStatus[answer.status]}`;
      } catch (err) {
        lastError = err;
      }
      await sleep(100);
    }
    throw new Error(`not SERVING after ${startTimeoutMs} ms (last: ${String(lastError)})`);
  } finally {
    client.close();
  }
}

/** Returns a port that was free a moment ago (the server binds it right after). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
