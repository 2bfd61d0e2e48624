import type { ErrorCode } from '../../shared/errors';

/** DESIGN §8 exit codes. */
export const EXIT = {
  ok: 0,
  someFailed: 1,
  badInput: 2,
  libraryUnusable: 3,
} as const;

export function exitCodeFor(code: ErrorCode): number {
  switch (code) {
    case 'INVALID_INPUT':
    case 'CONFIG_INVALID':
    case 'NOT_FOUND':
    case 'BUDGET_EXCEEDED':
      return EXIT.badInput;
    case 'BUSY':
    case 'UNAVAILABLE':
    case 'FORBIDDEN':
      return EXIT.libraryUnusable;
    default:
      return EXIT.someFailed;
  }
}

/** Commands that finish with a code other than 0 (e.g. "some jobs failed") set it here. */
export interface ExitHolder {
  code: number;
}
