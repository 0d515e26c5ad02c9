import { describe, expect, it } from 'vitest';
import { newQueueId } from './queued-message.js';
import { decodeVerp, encodeVerp } from './verp.js';

describe('VERP envelope senders', () => {
  const key = Buffer.alloc(32, 3);
  const domain = 'relay.example';
  const now = Date.UTC(2025, 0, 1);
  const expiresAt = now + 7 * 86_400_000;

  it('when a queue id is encoded and decoded, then it round-trips in a lowercase address with a local part of at most 64 characters', () => {
    const id = newQueueId();
    const address = encodeVerp(key, domain, id, expiresAt);
    const [local, host] = address.split('@') as [string, string];
    expect(address).toBe(address.toLowerCase());
    expect(local).toMatch(/^bounce\+[a-z2-7]+\.[a-z2-7]+\.[a-z2-7]+$/);
    expect(local.length).toBeLessThanOrEqual(64);
    expect(host).toBe(domain);
    expect(decodeVerp(key, domain, address, now)).toEqual({ queueId: id });
  });

  it('when the longest allowed queue id is encoded, then the local part still fits in 64 characters', () => {
    const address = encodeVerp(key, domain, 'a'.repeat(26), expiresAt);
    expect(address.split('@')[0]!.length).toBeLessThanOrEqual(64);
  });

  it('when a remote MTA changes the case of the address, then it still decodes', () => {
    const id = newQueueId();
    const address = encodeVerp(key, domain, id, expiresAt);
    expect(decodeVerp(key, domain, address.toUpperCase(), now)).toEqual({ queueId: id });
    expect(decodeVerp(key, 'RELAY.Example', `  ${address}  `, now)).toEqual({ queueId: id });
  });

  it('when any part of the address is altered, then it is refused', () => {
    const id = newQueueId();
    const address = encodeVerp(key, domain, id, expiresAt);
    const [local] = address.split('@') as [string];
    const [, idPart, expiry, mac] = /^bounce\+(\w+)\.(\w+)\.(\w+)$/.exec(local)! as unknown as [string, string, string, string];
    const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === 'a' ? 'b' : 'a') + s.slice(i + 1);
    for (const forged of [
      `bounce+${flip(idPart, 0)}.${expiry}.${mac}@${domain}`,
      `bounce+${idPart}.${flip(expiry, 6)}.${mac}@${domain}`,
      `bounce+${idPart}.${expiry}.${flip(mac, 19)}@${domain}`,
    ]) {
      expect(decodeVerp(key, domain, forged, now)).toBeNull();
    }
    expect(decodeVerp(Buffer.alloc(32, 4), domain, address, now)).toBeNull();
  });

  it('when the address is on another domain or malformed, then it is refused', () => {
    const address = encodeVerp(key, domain, newQueueId(), expiresAt);
    expect(decodeVerp(key, 'other.example', address.replace(domain, 'other.example'), now)).toBeNull();
    expect(decodeVerp(key, domain, address.replace(`@${domain}`, '@sub.relay.example'), now)).toBeNull();
    for (const bad of ['', 'bounce@relay.example', 'bounce+abc@relay.example', address.replace('bounce+', 'bounce-'), address.split('@')[0]!]) {
      expect(decodeVerp(key, domain, bad, now)).toBeNull();
    }
  });

  it('when the expiry has passed, then the address is refused; just before, it is accepted', () => {
    const id = newQueueId();
    const address = encodeVerp(key, domain, id, expiresAt);
    expect(decodeVerp(key, domain, address, expiresAt)).toEqual({ queueId: id });
    expect(decodeVerp(key, domain, address, expiresAt + 1000)).toBeNull();
  });

  it('when the queue id is not lowercase base32 or the key is short, then encoding refuses', () => {
    expect(() => encodeVerp(key, domain, 'ABCDEFGHIJKLMNOPQRST', expiresAt)).toThrow(TypeError);
    expect(() => encodeVerp(key, domain, 'short', expiresAt)).toThrow(TypeError);
    expect(() => encodeVerp(Buffer.alloc(4), domain, newQueueId(), expiresAt)).toThrow(TypeError);
  });
});
