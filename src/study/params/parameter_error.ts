/**
 * A bad notebook parameter as one line. tslab 1.0.22 prints an error a cell throws with
 * `console.error(e)`, i.e. Node's `util.inspect`, which shows the stack: the message plus a trace
 * through the kernel's frames. This error's stack is its message alone and it inspects as that one
 * line, so the notebook (and the headless runner) shows `ConfigError: rates[1]: 1.5 is outside [0, 1]`
 * once, without a trace. It stays a `ConfigError`, so the CLI's exit-code-2 handling still applies.
 */
import { inspect } from 'util';
import { ConfigError } from '../../util/assert';

/** A {@link ConfigError} without a stack trace. */
export class ParameterError extends ConfigError {
  constructor(message: string) {
    super(message);
    this.stack = `${this.name}: ${message}`;
  }

  [inspect.custom](): string {
    return `${this.name}: ${this.message}`;
  }
}

/** Runs `fn`; a {@link ConfigError} it throws comes out as a {@link ParameterError} with the same message. */
export function withParameterErrors<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ConfigError && !(e instanceof ParameterError)) throw new ParameterError(e.message);
    throw e;
  }
}
