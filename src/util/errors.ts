/**
 * A command cannot start because something it needs is not there: a tool not installed, the
 * kernel not registered, a folder or notebook an option names. The message says what to run
 * or fix; the command-line tools exit 2 on it (src/cli/command.ts).
 */
export class SetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SetupError';
  }
}
