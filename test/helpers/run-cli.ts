import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';

const CLI = ['--import', 'tsx', 'main/cli/index.ts'];

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI exactly as `npm run --silent cli -- ARGS` would (tsx on the sources), in a child process. */
export function runCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): CliRun {
  const result = spawnSync(process.execPath, [...CLI, ...args], {
    cwd: process.cwd(),
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Starts a long-running CLI command and resolves with its first stdout line (e.g. serve's JSON). */
export async function startCli(args: readonly string[]): Promise<{ firstLine: string; stop(): Promise<number | null> }> {
  const child = spawn(process.execPath, [...CLI, ...args], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const lines = createInterface({ input: child.stdout });
  const firstLine = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`CLI exited with ${code} before printing: ${stderr}`)));
  });
  return {
    firstLine,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', (code) => resolve(code));
        child.kill('SIGTERM');
      }),
  };
}
