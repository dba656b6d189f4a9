/**
 * Minimal types for jstat 1.9.6 (no @types package exists), covering only what `src/stats` calls.
 * The package is a UMD bundle that sets `module.exports = jStat`, so under CommonJS +
 * esModuleInterop it is imported as `import jStat from 'jstat';`.
 */
declare module 'jstat' {
  interface JStatNormal {
    /** Quantile of N(mean, std^2) at probability p. */
    inv(p: number, mean: number, std: number): number;
  }
  interface JStat {
    normal: JStatNormal;
  }
  const jStat: JStat;
  export = jStat;
}
