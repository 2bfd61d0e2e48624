import type { ErrorInfo } from '../lib/error-info';
import { AlertIcon } from './icons';

/**
 * A failed call, shown where it happened. The incident id is selectable on its own so the artist can paste
 * it into a bug report; the same id is in the library's log.
 */
export function ErrorNotice({ title, error, onRetry }: { title: string; error: ErrorInfo; onRetry?: () => void }) {
  return (
    <div className="error-notice" role="alert">
      <AlertIcon className="error-notice-icon" />
      <div className="error-notice-text">
        <strong className="error-notice-title">{title}</strong>
        <span className="error-notice-message">{error.message}</span>
        <span className="error-notice-meta">
          <code className="error-notice-code">{error.code}</code>
          {error.incidentId ? (
            <>
              {' '}
              incident <code className="error-notice-incident">{error.incidentId}</code>
            </>
          ) : null}
        </span>
      </div>
      {onRetry ? (
        <button type="button" className="button is-small" onClick={onRetry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}
