/** Starts the real Switchboard server on a free port with a fresh demo database. */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";

export interface RunningServer {
  baseUrl: string;
  stop(): Promise<void>;
}

const LISTENING = /Switchboard listening on (http:\/\/\S+)/;
const START_TIMEOUT_MS = 60_000;

function serverBinary(): string {
  const bin = process.env.SWITCHBOARD_BIN;
  if (bin === undefined || bin === "") {
    throw new Error(
      "SWITCHBOARD_BIN is not set: point it at the server binary, e.g. SWITCHBOARD_BIN=../target/debug/switchboard npm run e2e",
    );
  }
  if (!existsSync(bin)) throw new Error(`SWITCHBOARD_BIN=${bin} does not exist; build the server first (cargo build).`);
  return bin;
}

/** `extraArgs`: more command-line flags for the server (e.g. `--allowed-origins`, `--portal-origins`). */
export async function startServer(options: { extraArgs?: string[] } = {}): Promise<RunningServer> {
  const bin = serverBinary();
  const dir = await mkdtemp(join(tmpdir(), "switchboard-e2e-"));
  const child = spawn(
    bin,
    ["--listen", "127.0.0.1:0", "--database-url", `sqlite://${join(dir, "switchboard.db")}`, "--demo", ...(options.extraArgs ?? [])],
    { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, SWITCHBOARD_LOG: process.env.SWITCHBOARD_LOG ?? "warn" } },
  );

  const stderrTail: string[] = [];
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (chunk: string) => {
    stderrTail.push(chunk);
    if (stderrTail.length > 50) stderrTail.shift();
    if (process.env.SWITCHBOARD_E2E_VERBOSE !== undefined) process.stderr.write(chunk);
  });

  const stop = async (): Promise<void> => {
    await stopChild(child);
    await rm(dir, { recursive: true, force: true });
  };

  try {
    const baseUrl = await waitForListening(child, () => stderrTail.join(""));
    await checkWebBuildServed(baseUrl);
    return { baseUrl, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function waitForListening(child: ChildProcess, stderr: () => string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdout = child.stdout;
    if (stdout === null) {
      reject(new Error("server stdout is not piped"));
      return;
    }
    const lines = createInterface({ input: stdout });
    const timer = setTimeout(() => {
      reject(new Error(`server did not print "Switchboard listening on http://…" within ${START_TIMEOUT_MS / 1000} s\n${stderr()}`));
    }, START_TIMEOUT_MS);
    lines.on("line", (line) => {
      const match = LISTENING.exec(line);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        // Keep draining stdout so the server never blocks on a full pipe.
        lines.removeAllListeners("line");
        lines.on("line", () => undefined);
        resolve(match[1].replace(/\/$/, ""));
      }
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`server exited (code ${code}, signal ${signal}) before listening\n${stderr()}`));
    });
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/** Fails early with a clear message when the server runs without the web build. */
async function checkWebBuildServed(baseUrl: string): Promise<void> {
  const response = await fetch(`${baseUrl}/`);
  const html = await response.text();
  if (!response.ok || !html.includes("/assets/")) {
    throw new Error(
      `GET ${baseUrl}/ answered ${response.status} without the web build; run "npm run build" in web/ ` +
        "(and rebuild the server if it embeds web/dist) before the browser tests.",
    );
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const killTimer = setTimeout(() => child.kill("SIGKILL"), 5_000);
  await exited;
  clearTimeout(killTimer);
}
