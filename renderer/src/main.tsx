import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ApiProvider } from './api/api-context';
import { createApiClient } from './api/create-api-client';
import { App } from './app/App';
import { ErrorBoundary, FatalScreen } from './app/ErrorBoundary';
import { StoresProvider } from './app/stores';
import './styles/tokens.css';
import './styles/base.css';
import './styles/frame.css';
import './styles/components.css';
import './styles/panels.css';

const root = createRoot(document.getElementById('root')!);

// The client is created once here and handed down; nothing else constructs a transport.
let client: ReturnType<typeof createApiClient> | null = null;
let startupError: string | null = null;
try {
  client = createApiClient();
} catch (error) {
  startupError = error instanceof Error ? error.message : String(error);
}

root.render(
  <StrictMode>
    <ErrorBoundary>
      {client ? (
        <ApiProvider client={client}>
          <StoresProvider>
            <App />
          </StoresProvider>
        </ApiProvider>
      ) : (
        <FatalScreen title="APEX Director cannot reach its core" message={startupError ?? 'No transport available.'} />
      )}
    </ErrorBoundary>
  </StrictMode>,
);
