// Run with --duration 0 (or a negative duration): k6 v2.2 lib/executor/execution_config_shortcuts.go
// refuses it ("`duration` option should be more than 0") and exits 104 (invalid config).
export default function () {}
