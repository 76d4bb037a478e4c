import React from 'react';

/** Props of {@link PanelErrorBoundary}. */
export interface PanelErrorBoundaryProps {
  /** Names the panel in the message ("availability panel failed: ..."). */
  what: string;
  /** Told of each caught error (mount() rejects with it). */
  onError?: (err: Error) => void;
  /** When this changes (new data: the frames' identity), a shown error is cleared and the children tried again. */
  resetKey?: unknown;
  children?: React.ReactNode;
}

/** The boundary's state: the caught error, and the resetKey it was caught under. */
interface BoundaryState {
  error?: Error;
  key?: unknown;
}

/**
 * Catches a panel's render errors and shows their text in its place: never a blank box. New data
 * (another `resetKey`) clears the error, so one bad answer does not hide the panel until a reload.
 */
export class PanelErrorBoundary extends React.Component<PanelErrorBoundaryProps, BoundaryState> {
  state: BoundaryState = {};

  /** Keeps the error for the next render. */
  static getDerivedStateFromError(error: unknown): Partial<BoundaryState> {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  /** Remembers the resetKey; a changed one clears a caught error (the children render again). */
  static getDerivedStateFromProps(props: PanelErrorBoundaryProps, state: BoundaryState): Partial<BoundaryState> | null {
    if (props.resetKey === state.key) {
      return null;
    }
    return state.error === undefined ? { key: props.resetKey } : { key: props.resetKey, error: undefined };
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
