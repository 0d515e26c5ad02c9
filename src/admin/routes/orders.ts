import type { FastifyInstance } from 'fastify';
import type { OrderService } from '../../directory/order-service.js';
import type { PairService } from '../../directory/pair-service.js';
import { errorResponses, partyId } from './schemas.js';

interface OrderBody {
  orderId: string;
  buyerId: string;
  sellerId: string;
  placedAt: string;
  marketplace?: string;
  digital?: boolean;
}

const orderReply = {
  type: 'object',
  properties: {
    orderId: { type: 'string' },
    pairId: { type: 'string' },
    buyerAlias: { type: 'string', description: 'Address that stands for the buyer; the seller writes to it.' },
    sellerAlias: { type: 'string', description: 'Address that stands for the seller; the buyer writes to it.' },
    created: { type: 'boolean', description: 'false when this order id was already recorded' },
  },
  required: ['orderId', 'pairId', 'buyerAlias', 'sellerAlias', 'created'],
} as const;

export function orderRoutes(app: FastifyInstance, orders: OrderService, pairs: PairService): void {
  app.post<{ Body: OrderBody }>(
    '/v1/orders',
    {
      config: { roles: ['admin'] },
      schema: {
        tags: ['orders'],
        summary: 'Record an order (idempotent on orderId); creates the pair and answers its aliases',
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            orderId: partyId,
            buyerId: partyId,
            sellerId: partyId,
            placedAt: { type: 'string', format: 'date-time' },
            marketplace: { type: 'string', maxLength: 100 },
            digital: { type: 'boolean' },
          },
          required: ['orderId', 'buyerId', 'sellerId', 'placedAt'],
        },
        response: { 200: orderReply, 201: orderReply, ...errorResponses },
      },
    },
    async (req, reply) => {
      const b = req.body;
      const { order, pair, created } = await orders.record({
        orderId: b.orderId,
        buyerId: b.buyerId,
        sellerId: b.sellerId,
        placedAt: Date.parse(b.placedAt),
        marketplace: b.marketplace,
        digital: b.digital,
      });
      req.log.info({ orderId: order.orderId, pairId: pair.id, created }, 'order recorded');
      return reply.status(created ? 201 : 200).send({
        orderId: order.orderId,
        pairId: pair.id,
        buyerAlias: pairs.address(pair.buyerAlias),
        sellerAlias: pairs.address(pair.sellerAlias),
        created,
      });
    },
  );
}
