import type { FastifyInstance } from 'fastify';
import { ParleyError } from '../../domain/errors.js';
import type { Party, Role } from '../../domain/party.js';
import type { PartyService } from '../../directory/party-service.js';
import { errorResponses, partyId } from './schemas.js';

const partyBody = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    role: { type: 'string', enum: ['buyer', 'seller'] },
    name: { type: 'string' },
    emails: { type: 'array', items: { type: 'string' } },
    businessBuyer: { type: 'boolean' },
  },
  required: ['id', 'role', 'name', 'emails', 'businessBuyer'],
} as const;

interface PutBody {
  role: Role;
  name: string;
  emails: string[];
  businessBuyer?: boolean;
}

export function partyRoutes(app: FastifyInstance, parties: PartyService): void {
  app.put<{ Params: { id: string }; Body: PutBody }>(
    '/v1/parties/:id',
    {
      config: { roles: ['admin'] },
      schema: {
        tags: ['parties'],
        summary: 'Create or replace a party',
        params: { type: 'object', properties: { id: partyId }, required: ['id'] },
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            role: { type: 'string', enum: ['buyer', 'seller'] },
            name: { type: 'string', minLength: 1, maxLength: 200 },
            emails: { type: 'array', minItems: 1, maxItems: 50, items: { type: 'string', minLength: 3, maxLength: 254 } },
            businessBuyer: { type: 'boolean' },
          },
          required: ['role', 'name', 'emails'],
        },
        response: { 200: partyBody, 201: partyBody, ...errorResponses },
      },
    },
    async (req, reply) => {
      const { party, created } = await parties.put({ id: req.params.id, ...req.body });
      req.log.info({ partyId: party.id, role: party.role, created }, 'party stored');
      return reply.status(created ? 201 : 200).send(party satisfies Party);
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/parties/:id',
    {
      config: { roles: ['admin'] },
      schema: {
        tags: ['parties'],
        summary: 'Read a party',
        params: { type: 'object', properties: { id: partyId }, required: ['id'] },
        response: { 200: partyBody, ...errorResponses },
      },
    },
    async (req) => {
      const party = await parties.get(req.params.id);
      if (!party) throw new ParleyError('party_not_found', `no party ${req.params.id}`);
      return party;
    },
  );
}
