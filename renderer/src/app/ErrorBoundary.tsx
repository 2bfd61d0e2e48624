import { Component, type ReactNode } from 'react';

/** Catches render bugs only; failed calls are shown where they happen by the stores' error state. */
export class ErrorBoundary extends Component<{ children: ReactNode }, { error: Error | null }> {
  override state: { error: Error | null } = { error: null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  override render() {
    if (!this.state.error) return this.props.children;
    return <FatalScreen title="Something broke while drawing this window" message={this.state.error.message} />;
  }
}

export function FatalScreen({ title, message }: { title: string; message: string }) {
  return (
    <div className="fatal-screen" role="alert">
      <h1>{title}</h1>
      <p>{message}</p>
      <p className="muted">Reload the window to try again. Your queue and library are safe: they live in the library folder.</p>
    </div>
  );
}
