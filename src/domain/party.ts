/** A marketplace participant. Real addresses never leave the process unencrypted except toward their owner. */
export type Role = 'buyer' | 'seller';

export interface Party {
  id: string;
  role: Role;
  /** Public display name: the store name for sellers, what the marketplace shows for buyers. */
  name: string;
  /** Registered real addresses; several for a seller's team. */
  emails: string[];
  businessBuyer: boolean;
}

/** Ids appear in Redis keys and URLs; braces would break hash tags, slashes would break paths. */
export const PARTY_ID_PATTERN = '^[A-Za-z0-9._:-]{1,128}$';
export const partyIdRe = new RegExp(PARTY_ID_PATTERN);

/** A display name goes into a From header: no @ (it would look like an address) and no control characters. */
export function cleanDisplayName(name: string): string {
  return name
    .normalize('NFC')
    .replace(/[\p{Cc}\p{Cf}"\\<>@]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 100);
}
