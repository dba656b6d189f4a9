/**
 * Input checks that fail with one line naming the field, the value and what is allowed,
 * e.g. `rate: 1.5 is outside [0, 1]`. Used at the edges (CLI, notebook parameters, configs).
 */

/** An invalid configuration or argument; the message is meant to be shown to the user as is. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/**
 * `message` with its leading field name (a lower layer names its own argument, `imdbPath: ...`)
 * replaced by the parameter's full path from `paramPaths` (`corpus.imdbPath: ...`); unchanged when
 * the message starts with no listed field.
 */
export function withParamPath(message: string, paramPaths: Readonly<Record<string, string>>): string {
  const m = /^([\w.]+):/.exec(message);
  const to = m ? paramPaths[m[1]] : undefined;
  return to === undefined ? message : `${to}${message.slice(m![1].length)}`;
}

/**
 * Runs `fn`; a ConfigError it throws about a field of `paramPaths` is rethrown naming the
 * parameter's full path (`withParamPath`), so the user reads the name they set. Other errors pass unchanged.
 */
export function underParam<T>(paramPaths: Readonly<Record<string, string>>, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    const named = withParamPath(e.message, paramPaths);
    throw named === e.message ? e : new ConfigError(named);
  }
}

function show(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : JSON.stringify(value) ?? String(value);
}

/** Throws unless `value` is one of `allowed`; returns it typed as the union. */
export function oneOf<T extends string | number>(field: string, value: unknown, allowed: readonly T[]): T {
  if (!(allowed as readonly unknown[]).includes(value)) {
    throw new ConfigError(`${field}: ${show(value)} is not allowed; expected one of ${allowed.map(show).join(', ')}`);
  }
  return value as T;
}

/** Throws unless `value` is a finite number in [lo, hi]. */
export function checkRange(field: string, value: unknown, lo: number, hi: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ConfigError(`${field}: ${show(value)} is not a number; expected a number in [${lo}, ${hi}]`);
  }
  if (value < lo || value > hi) throw new ConfigError(`${field}: ${value} is outside [${lo}, ${hi}]`);
  return value;
}

/** Throws unless `value` is an integer in [lo, hi]. */
export function checkInt(field: string, value: unknown, lo: number, hi = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new ConfigError(`${field}: ${show(value)} is not an integer; expected an integer in [${lo}, ${hi}]`);
  }
  if (value < lo || value > hi) throw new ConfigError(`${field}: ${value} is outside [${lo}, ${hi}]`);
  return value;
}

/** Throws unless `shape` equals `expected` (-1 matches any size); `name` names the tensor. */
export function assertShape(name: string, shape: readonly number[], expected: readonly number[]): void {
  const ok = shape.length === expected.length && expected.every((d, i) => d === -1 || d === shape[i]);
  if (!ok) throw new Error(`${name}: shape [${shape.join(', ')}] does not match [${expected.map((d) => (d === -1 ? '*' : d)).join(', ')}]`);
}

/**
 * Runs a command's `main`: a `ConfigError` prints its one line and exits 2 (bad input, no stack);
 * any other error prints in full and exits 1.
 */
export function runMain(main: () => Promise<void>): void {
  main().catch((e: unknown) => {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exitCode = 2;
      return;
    }
    console.error(e);
    process.exitCode = 1;
  });
}
