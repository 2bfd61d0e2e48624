/**
 * The closed set of error codes that may cross any transport, and the error class both sides use.
 * Adding a code is a contract change: the renderer branches on these.
 */
export const ERROR_CODES = [
  'INVALID_INPUT', // the caller sent something the contract refuses (details name the field)
  'NOT_FOUND', // unknown method, job, asset, checkpoint...
  'CONFLICT', // the thing exists already or changed underneath
  'FORBIDDEN', // untrusted sender, bad token, path outside the library
  'UNAVAILABLE', // the library or a subsystem cannot serve right now (closing, keychain missing)
  'BUSY', // another process holds the library, or SQLite is locked; retry later
  'CANCELLED', // the operation was cancelled by the user or by shutdown
  'CONFIG_INVALID', // apex_config.json does not validate (details carry the JSON path)
  'BUDGET_EXCEEDED', // a spend cap would be passed
  'INTERNAL', // a bug: message is generic, details carry the incident id
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** JSON-safe detail values only: errors must survive structured clone and JSON alike. */
export type ErrorDetailValue = string | number | boolean | null;
export type ErrorDetails = Record<string, ErrorDetailValue>;

export interface WireError {
  code: ErrorCode;
  message: string;
  details: ErrorDetails;
}

export class AppError extends Error {
  override name = 'AppError';
  readonly code: ErrorCode;
  readonly details: ErrorDetails;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}) {
    super(message);
    this.code = code;
    this.details = details;
  }

  toWire(): WireError {
    return { code: this.code, message: this.message, details: this.details };
  }

  static fromWire(error: WireError): AppError {
    return new AppError(error.code, error.message, error.details);
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}
