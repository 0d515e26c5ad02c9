import type { FastifyInstance } from 'fastify';
import type { PartyService } from '../../directory/party-service.js';
import type { DailyCap, SellerLimits } from '../../limits/daily-cap.js';
import { errorResponses, partyId } from './schemas.js';

const limitsBody = {
  type: 'object',
  properties: {
    windowDays: { type: 'integer', description: 'Days of orders the cap averages over.' },
    averageDailyOrders: { type: 'number', description: 'Orders in the window divided by its days (or by the days since a new seller’s first order).' },
    cap: { type: 'integer', description: '600 + floor(5 × averageDailyOrders): messages to buyers allowed today.' },
    sentToday: { type: 'integer', description: 'Messages to buyers counted today (accepted for delivery or hold).' },
    remaining: { type: 'integer' },
    resetsAt: { type: 'string', format: 'date-time', description: 'When the day ends in the cap time zone.' },
  },
  required: ['windowDays', 'averageDailyOrders', 'cap', 'sentToday', 'remaining', 'resetsAt'],
} as const;

export function limitsRoutes(app: FastifyInstance, parties: PartyService, dailyCap: DailyCap): void {
  app.get<{ Params: { id: string } }>(
    '/v1/sellers/:id/limits',
    {
      config: { roles: ['admin', 'reviewer'] },
      schema: {
        tags: ['limits'],
        summary: "A seller's daily cap today: how it was computed, how much is used, when it resets",
        params: { type: 'object', properties: { id: partyId }, required: ['id'] },
        response: { 200: limitsBody, ...errorResponses },
      },
    },
    async (req): Promise<SellerLimits> => {
      // 404 for an unknown party, 400 for a buyer: buyers have no cap, and asking for one is a mistake.
      await parties.require(req.params.id, 'seller', 'id');
      return dailyCap.limits(req.params.id);
    },
  );
}
