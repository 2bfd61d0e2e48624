import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  close(): Promise<void>;
}

export interface LoggerOptions {
  /** Folder for `apex-YYYY-MM-DD.log` files (JSON lines); omitted: no file. */
  dir?: string;
  /** Also print warnings and errors to stderr (never stdout: the CLI's stdout is for results). */
  stderr?: boolean;
  level?: LogLevel;
}

/**
 * JSON-lines logger. Small on purpose: the core logs little (state changes go to the `events` audit table),
 * and every line must be greppable for incident ids.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const threshold = LEVELS[options.level ?? 'info'];
  let stream: WriteStream | null = null;
  if (options.dir) {
    mkdirSync(options.dir, { recursive: true });
    const day = new Date().toISOString().slice(0, 10);
    stream = createWriteStream(join(options.dir, `apex-${day}.log`), { flags: 'a' });
  }

  function write(level: LogLevel, message: string, fields?: LogFields): void {
    if (LEVELS[level] < threshold) return;
    const line = JSON.stringify({ time: new Date().toISOString(), level, message, ...fields });
    stream?.write(`${line}\n`);
    if (options.stderr && LEVELS[level] >= LEVELS.warn) process.stderr.write(`${level}: ${message}${fields ? ` ${JSON.stringify(fields)}` : ''}\n`);
  }

  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
    close: () =>
      new Promise<void>((resolve) => {
        if (!stream) return resolve();
        stream.end(() => resolve());
        stream = null;
      }),
  };
}

export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  close: () => Promise.resolve(),
};
