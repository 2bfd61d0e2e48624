import { AppError } from '../../shared/errors';

/**
 * stdout carries results only (one JSON document with --json); progress, logs and errors go to stderr,
 * so `apex-director status --json | jq` always works.
 */
export interface Output {
  readonly json: boolean;
  result(value: unknown, human: () => string): void;
  info(message: string): void;
  error(error: AppError): void;
}

export function createOutput(json: boolean): Output {
  return {
    json,
    result(value, human) {
      // One line per document: long-running commands (serve) can be read line by line.
      process.stdout.write(json ? `${JSON.stringify(value)}\n` : `${human()}\n`);
    },
    info(message) {
      process.stderr.write(`${message}\n`);
    },
    error(error) {
      process.stderr.write(`apex-director: ${error.message}\n`);
      if (json) process.stdout.write(`${JSON.stringify({ error: error.toWire() })}\n`);
    },
  };
}

export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new AppError('INTERNAL', message);
}
