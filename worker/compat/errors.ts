/**
 * A refusal by one of the compatible endpoints, before any turn starts (a bad field, a bad
 * token). Each dialect writes it in its own API's error shape; `param` names the field where the
 * API has a place for it.
 */
export class CompatError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly code: string,
    message: string,
    readonly param?: string,
  ) {
    super(message);
  }
}
