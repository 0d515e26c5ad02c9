import { PARTY_ID_PATTERN } from '../../domain/party.js';

/** JSON schemas shared by routes; they validate input and document the API in /openapi.json. */
export const partyId = { type: 'string', pattern: PARTY_ID_PATTERN } as const;

export const errorBody = {
  type: 'object',
  properties: { error: { type: 'string' }, message: { type: 'string' }, field: { type: 'string' } },
  required: ['error', 'message'],
} as const;

export const errorResponses = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 409: errorBody, 503: errorBody } as const;

export const pairBody = {
  type: 'object',
  properties: {
    pairId: { type: 'string' },
    buyerId: { type: 'string' },
    sellerId: { type: 'string' },
    buyerAlias: { type: 'string', description: 'Address that stands for the buyer; the seller writes to it.' },
    sellerAlias: { type: 'string', description: 'Address that stands for the seller; the buyer writes to it.' },
    createdAt: { type: 'string', format: 'date-time' },
  },
  required: ['pairId', 'buyerId', 'sellerId', 'buyerAlias', 'sellerAlias', 'createdAt'],
} as const;
