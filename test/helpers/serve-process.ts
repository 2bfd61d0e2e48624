import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

/**
 * The real core in browser mode, as the e2e tests and the UI benchmarks start it: `apex-director serve
 * --json` on a library, run from the sources with tsx, on a free port. What it prints is read as JSON.
 */

const ROOT = resolve(import.meta.dirname, '../..');

export interface ServeProcess {
  /** The URL `serve` printed, token included. */
  url: string;
  /** The library path `serve` printed. */
  library: string;
  /** SIGTERM, then SIGKILL after 5 s; resolves once the process has exited. */
  stop(): Promise<void>;
}

export interface ServeOptions {
  /** How long `serve` may take to print its URL before the start counts as failed. */
  startTimeoutMs: number;
  /** Added to the environment (e.g. XDG_CONFIG_HOME, to keep per-user files out of the real home folder). */
  env?: Record<string, string>;
}

interface ServeJson {
  url: string;
  library: string;
}

function isServeJson(value: unknown): value is ServeJson {
  return typeof value === 'object' && value !== null && 'url' in value && typeof value.url === 'string' && 'library' in value && typeof value.library === 'string';
}

/** Starts `serve` on `library` and waits for the JSON it prints; the process is stopped if it never does. */
export async function startServe(library: string, options: ServeOptions): Promise<ServeProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'main/cli/index.ts', 'serve', '--library', library, '--port', '0', '--json'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, FORCE_COLOR: '0', ...options.env },
  });
  try {
    const served = await readServeJson(child, options.startTimeoutMs);
    return { url: served.url, library: served.library, stop: () => stopChild(child) };
  } catch (error) {
    await stopChild(child);
    throw error;
  }
}

/**
 * Reads stdout until it holds one complete JSON document (the CLI may pretty-print it over several lines).
 * stderr is kept for the failure message: it says why the server did not start.
 */
function readServeJson(child: ChildProcess, timeoutMs: number): Promise<ServeJson> {
  return new Promise((resolvePromise, reject) => {
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => fail(`no URL within ${timeoutMs / 1000} s`), timeoutMs);
    function fail(reason: string) {
      clearTimeout(timer);
      reject(new Error(`apex-director serve did not start: ${reason}\n--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`));
    }
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      let parsed: unknown;
      try {
        parsed = JSON.parse(stdout);
      } catch {
        return; // Not complete yet.
      }
      clearTimeout(timer);
      if (isServeJson(parsed)) resolvePromise(parsed);
      else fail('stdout was JSON but not {url, library}');
    });
    child.once('exit', (code, signal) => fail(`exited early (code ${code}, signal ${signal})`));
    child.once('error', (error) => fail(error.message));
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  // No pid: spawning failed, there is nothing to stop (and no 'exit' would come).
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  child.kill('SIGTERM');
  const timeout = new Promise<'timeout'>((done) => setTimeout(() => done('timeout'), 5_000));
  if ((await Promise.race([exited, timeout])) === 'timeout') {
    child.kill('SIGKILL');
    await exited;
  }
}
