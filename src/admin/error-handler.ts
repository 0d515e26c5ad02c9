import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ParleyError } from '../domain/errors.js';

export interface ErrorBody {
  error: string;
  message: string;
  field?: string;
}

/** Every failure answers JSON with a stable code; bad input names the field; never a stack trace. */
export function errorHandler(err: FastifyError | ParleyError | Error, request: FastifyRequest, reply: FastifyReply): void {
  if (err instanceof ParleyError) {
    if (err.httpStatus >= 500) request.log.error({ err }, 'request failed');
    const body: ErrorBody = { error: err.code, message: err.message };
    if (err.field) body.field = err.field;
    void reply.status(err.httpStatus).send(body);
    return;
  }
  const fe = err as FastifyError;
  if (fe.validation && fe.validation.length > 0) {
    const v = fe.validation[0]!;
    const params = v.params as { missingProperty?: string; additionalProperty?: string } | undefined;
    const missing = params?.missingProperty ?? params?.additionalProperty;
    // Body fields are named plainly ("placedAt"); params and query keep their context ("params/id").
    const context = fe.validationContext === 'body' ? [] : [fe.validationContext];
    const path = [...context, ...v.instancePath.split('/').filter(Boolean), ...(missing ? [missing] : [])].join('/') || 'body';
    void reply.status(400).send({ error: 'bad_request', field: path, message: `${path} ${v.message ?? 'is invalid'}` });
    return;
  }
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
    // Fastify's own client errors (bad JSON, wrong content type, body too large) are the caller's to fix.
    void reply.status(fe.statusCode).send({ error: fe.code ?? 'bad_request', message: fe.message });
    return;
  }
  request.log.error({ err }, 'unhandled error');
  void reply.status(500).send({ error: 'internal', message: 'internal error' });
}
