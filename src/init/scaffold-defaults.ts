/** The names `o11y init` uses when none is given (its `--help` shows them, so they load alone). */
export const DEFAULT_SERVICE = 'my-service';
export const DEFAULT_ENVIRONMENT = 'prod';
