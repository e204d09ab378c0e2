// k6 v2.2 lib/executor/execution_config_shortcuts.go (DeriveScenariosFromShortcuts), release notes
// v2.1.0 #5794: `--vus N` without duration/iterations/stages replaces the script's scenarios with
// one shared-iterations scenario of N VUs and N iterations, with a warning.
export const options = { scenarios: { s: { executor: 'per-vu-iterations', vus: 1, iterations: 10 } } };
export default function () {}
