import type { FastifyInstance } from 'fastify';
import type { ReloadResult } from '../../policy/policy-holder.js';
import { errorResponses } from './schemas.js';

const reloaded = {
  type: 'object',
  properties: { status: { type: 'string', enum: ['reloaded'] }, rules: { type: 'integer' } },
  required: ['status', 'rules'],
} as const;

const refused = {
  type: 'object',
  properties: { error: { type: 'string' }, message: { type: 'string' } },
  required: ['error', 'message'],
} as const;

/** POST /v1/policy/reload: same as SIGHUP; a file that does not validate keeps the rules in force and says why. */
export function policyRoutes(app: FastifyInstance, reload: () => Promise<ReloadResult>): void {
  app.post(
    '/v1/policy/reload',
    {
      config: { roles: ['admin'] },
      schema: { tags: ['policy'], summary: 'Reload the content policy file', response: { 200: reloaded, 422: refused, ...errorResponses } },
    },
    async (_req, reply) => {
      const result = await reload();
      if (result.ok) return { status: 'reloaded', rules: result.rules };
      return reply.status(422).send({ error: 'policy_invalid', message: `the rules in force stay: ${result.error}` });
    },
  );
}
