/**
 * The node logger: one line per message in the ROS console format,
 * `[LEVEL] [seconds.micros] [node_name]: message`, on stderr (where ROS 2 loggers write and
 * what `bftkvs launch` shows for `output="log"`). The level comes from `--ros-args
 * --log-level` (`info`, or `replica_1:=debug`) or BFTKVS_LOG.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'fatal';

const ORDER: Readonly<Record<LogLevel, number>> = { debug: 10, info: 20, warn: 30, error: 40, fatal: 50 };
export const LOG_LEVELS = Object.keys(ORDER) as LogLevel[];

export interface LogSink {
  write(line: string): unknown;
}

export function isLogLevel(s: string): s is LogLevel {
  return Object.hasOwn(ORDER, s);
}

/** The level for `nodeName` from `--log-level` values (`info`, `name:=debug`; later wins) and the env fallback. */
export function logLevelFor(nodeName: string, rosLogLevels: readonly string[], envLevel: string | undefined): LogLevel {
  let level: LogLevel = envLevel !== undefined && isLogLevel(envLevel.toLowerCase()) ? (envLevel.toLowerCase() as LogLevel) : 'info';
  for (const raw of rosLogLevels) {
    const sep = raw.indexOf(':=');
    const who = sep < 0 ? undefined : raw.slice(0, sep);
    const what = (sep < 0 ? raw : raw.slice(sep + 2)).toLowerCase();
    const normal = what === 'warning' ? 'warn' : what;
    if ((who === undefined || who === nodeName) && isLogLevel(normal)) level = normal;
  }
  return level;
}

export class Logger {
  constructor(
    readonly name: string,
    private level: LogLevel = 'info',
    private readonly sink: LogSink = process.stderr,
    private readonly nowMs: () => number = () => performance.timeOrigin + performance.now(),
  ) {}

  setLevel(level: LogLevel): void {
    this.level = level;
  }

  enabled(level: LogLevel): boolean {
    return ORDER[level] >= ORDER[this.level];
  }

  debug(message: string): void {
    this.log('debug', message);
  }

  info(message: string): void {
    this.log('info', message);
  }

  warn(message: string): void {
    this.log('warn', message);
  }

  error(message: string): void {
    this.log('error', message);
  }

  fatal(message: string): void {
    this.log('fatal', message);
  }

  log(level: LogLevel, message: string): void {
    if (!this.enabled(level)) return;
    const t = (this.nowMs() / 1_000).toFixed(6);
    // One record per line: embedded newlines are indented so a supervisor's prefixing keeps them together.
    const text = message.replace(/\r?\n/g, '\n    ');
    this.sink.write(`[${level.toUpperCase()}] [${t}] [${this.name}]: ${text}\n`);
  }
}
