import type { Diagnostic } from '../../synth/core/diagnostics.ts';

/** A refusal the API answers with its status and a message saying what to do (and diagnostics for bad plans). */
export class ApiError extends Error {
  readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 422 | 502;
  readonly diagnostics?: Diagnostic[];
  constructor(status: ApiError['status'], message: string, diagnostics?: Diagnostic[]) {
    super(message);
    this.status = status;
    if (diagnostics) this.diagnostics = diagnostics;
  }
}
