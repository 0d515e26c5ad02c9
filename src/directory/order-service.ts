import { ParleyError } from '../domain/errors.js';
import type { Pair } from '../domain/pair.js';
import { partyIdRe } from '../domain/party.js';
import type { Order, OrderStore } from '../storage/ports.js';
import type { PairService } from './pair-service.js';
import type { PartyService } from './party-service.js';

/** Records marketplace orders; an order is what links a buyer and a seller and creates their pair. */
export class OrderService {
  constructor(
    private readonly orders: OrderStore,
    private readonly parties: PartyService,
    private readonly pairs: PairService,
  ) {}

  async record(input: Order): Promise<{ order: Order; pair: Pair; created: boolean }> {
    if (!partyIdRe.test(input.orderId)) throw new ParleyError('bad_request', 'order id must be 1-128 of A-Z a-z 0-9 . _ : -', { field: 'orderId' });
    if (!Number.isFinite(input.placedAt)) throw new ParleyError('bad_request', 'placedAt must be a date-time', { field: 'placedAt' });
    await this.parties.require(input.buyerId, 'buyer', 'buyerId');
    await this.parties.require(input.sellerId, 'seller', 'sellerId');

    const { order, created } = await this.orders.recordOrder(input);
    if (order.buyerId !== input.buyerId || order.sellerId !== input.sellerId) {
      throw new ParleyError('order_conflict', `order ${input.orderId} was recorded for other parties`);
    }
    const pair = await this.pairs.ensure(order.buyerId, order.sellerId);
    return { order, pair, created };
  }
}
