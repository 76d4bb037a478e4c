import React from 'react';

/** Props of {@link PanelErrorBoundary}. */
export interface PanelErrorBoundaryProps {
  /** Names the panel in the message ("availability panel failed: ..."). */
  what: string;
  /** Told of each caught error (mount() rejects with it). */
  onError?: (err: Error) => void;
  children?: React.ReactNode;
}

/** Catches a panel's render errors and shows their text in its place: never a blank box. */
export class PanelErrorBoundary extends React.Component<PanelErrorBoundaryProps, { error?: Error }> {
  state: { error?: Error } = {};

  /** Keeps the error for the next render. */
  static getDerivedStateFromError(error: unknown): { error: Error } {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  /** Tells the owner (and the console, with React's component stack). */
  componentDidCatch(error: Error, info: React.ErrorInfo): void {
    console.error(`${this.props.what} failed`, error, info.componentStack);
    this.props.onError?.(error);
  }

  render(): React.ReactNode {
    const { error } = this.state;
    if (error === undefined) {
      return this.props.children;
    }
    return (
      <div
        role="alert"
        data-testid="portal-panel-error"
        style={{ padding: 8, whiteSpace: 'pre-wrap', overflow: 'auto' }}
      >
        {`${this.props.what} failed: ${error.message}`}
      </div>
    );
  }
}
