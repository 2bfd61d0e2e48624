import { AppError, type ErrorCode } from '../../../shared/errors';

/** What the UI needs to show a failed call: a sentence, the code to branch on, and an id the artist can quote. */
export interface ErrorInfo {
  message: string;
  /** `TRANSPORT` when the connection itself failed, not the call. */
  code: ErrorCode | 'TRANSPORT';
  incidentId: string | null;
}

export function toErrorInfo(error: unknown): ErrorInfo {
  if (error instanceof AppError) {
    const incident = error.details.incidentId;
    return { message: error.message, code: error.code, incidentId: typeof incident === 'string' ? incident : null };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { message, code: 'TRANSPORT', incidentId: null };
}
