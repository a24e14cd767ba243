/**
 * An error meant for the user: the CLI prints its message alone (no stack) and exits non-zero.
 * Messages are prefixed with the module, as graphology does.
 */
export class SoOError extends Error {
  constructor(module: string, message: string) {
    super(`segment-of-one/${module}: ${message}`);
    this.name = 'SoOError';
  }
}
