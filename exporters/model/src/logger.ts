/**
 * The logging port the exporters and collectors write to. pino's Logger satisfies it; tests
 * pass a recording logger. Fields go first, message second (pino's argument order).
 */
export interface Logger {
  debug(fields: object, msg: string): void;
  info(fields: object, msg: string): void;
  warn(fields: object, msg: string): void;
  error(fields: object, msg: string): void;
  child(bindings: object): Logger;
}

/** One recorded log call. */
export interface LogRecord {
  level: 'debug' | 'info' | 'warn' | 'error';
  fields: object;
  msg: string;
}

/** A Logger that records every call, for tests that assert what was logged. */
export class RecordingLogger implements Logger {
  constructor(
    readonly records: LogRecord[] = [],
    private readonly bindings: object = {},
  ) {}
  debug(fields: object, msg: string): void {
    this.records.push({ level: 'debug', fields: { ...this.bindings, ...fields }, msg });
  }
  info(fields: object, msg: string): void {
    this.records.push({ level: 'info', fields: { ...this.bindings, ...fields }, msg });
  }
  warn(fields: object, msg: string): void {
    this.records.push({ level: 'warn', fields: { ...this.bindings, ...fields }, msg });
  }
  error(fields: object, msg: string): void {
    this.records.push({ level: 'error', fields: { ...this.bindings, ...fields }, msg });
  }
  child(bindings: object): Logger {
    return new RecordingLogger(this.records, { ...this.bindings, ...bindings });
  }
}
