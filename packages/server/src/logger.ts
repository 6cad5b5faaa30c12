/** Structured logs: one JSON object a line. Never given keys, tokens or cell values. */
export type LogFields = Record<string, string | number | boolean | null | undefined>;
export type Logger = (level: 'info' | 'warn' | 'error', message: string, fields?: LogFields) => void;

export function jsonLogger(write: (line: string) => void = (line) => process.stderr.write(line)): Logger {
  return (level, message, fields = {}) => {
    write(JSON.stringify({ time: new Date().toISOString(), level, msg: message, ...fields }) + '\n');
  };
}
