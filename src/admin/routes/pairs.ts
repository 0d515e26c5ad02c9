import type { FastifyInstance } from 'fastify';
import { ParleyError } from '../../domain/errors.js';
import type { PairService } from '../../directory/pair-service.js';
import { errorResponses, pairBody, partyId } from './schemas.js';

export function pairRoutes(app: FastifyInstance, pairs: PairService): void {
  app.get<{ Params: { buyerId: string; sellerId: string } }>(
    '/v1/pairs/:buyerId/:sellerId',
    {
      config: { roles: ['admin'] },
      schema: {
        tags: ['pairs'],
        summary: 'The two aliases of a buyer-seller pair',
        params: { type: 'object', properties: { buyerId: partyId, sellerId: partyId }, required: ['buyerId', 'sellerId'] },
        response: { 200: pairBody, ...errorResponses },
      },
    },
    async (req) => {
      const pair = await pairs.find(req.params.buyerId, req.params.sellerId);
      if (!pair) throw new ParleyError('pair_not_found');
      return {
        pairId: pair.id,
        buyerId: pair.buyerId,
        sellerId: pair.sellerId,
        buyerAlias: pairs.address(pair.buyerAlias),
        sellerAlias: pairs.address(pair.sellerAlias),
        createdAt: new Date(pair.createdAt).toISOString(),
      };
    },
  );
}
