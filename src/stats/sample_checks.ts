/**
 * Argument checks shared by the statistics: one error line that names the argument, the bad value
 * and what is allowed (`x[3]: NaN is not a finite number`). Thrown as `ConfigError`.
 */
import { ConfigError } from '../util/assert';

/** Throws unless `values` is an array of at least `minLength` finite numbers; `name` names the argument. */
export function checkSample(name: string, values: readonly number[], minLength: number): void {
  if (!Array.isArray(values)) throw new ConfigError(`${name}: expected an array of numbers, got ${typeof values}`);
  if (values.length < minLength) {
    throw new ConfigError(`${name}: length ${values.length} is too short; expected at least ${minLength} values`);
  }
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new ConfigError(`${name}[${i}]: ${String(v)} is not a finite number`);
    }
  }
}

/** Throws unless `x` and `y` are finite samples of equal length, at least `minLength`. */
export function checkPaired(x: readonly number[], y: readonly number[], minLength: number): void {
  checkSample('x', x, minLength);
  if (!Array.isArray(y) || x.length !== y.length) {
    throw new ConfigError(`y: length ${y?.length} does not match x (length ${x.length}); expected paired samples`);
  }
  checkSample('y', y, minLength);
}

/** Throws when every value of `values` is the same (a correlation with it is undefined). */
export function checkNotConstant(name: string, values: readonly number[]): void {
  if (values.every((v) => v === values[0])) {
    throw new ConfigError(`${name}: all ${values.length} values equal ${values[0]}; the correlation is undefined`);
  }
}
