// The exit codes of every ccci command. Kept free of imports: the command dispatcher needs them before
// it loads any subcommand.
export const EXIT_CODES = {
  success: 0,
  failure: 1,
  badInput: 2,
  error: 3,
  deadline: 142,
  cancelled: 143,
} as const;
