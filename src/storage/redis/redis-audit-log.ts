import { ParleyError } from '../../domain/errors.js';
import type { AuditEntry, AuditPage, AuditRecord } from '../../quarantine/audit-entry.js';
import { guard } from '../guard.js';
import type { AuditLog } from '../ports.js';
import type { RedisClient } from './client.js';
import { redisScript, type ScriptCall } from './redis-script.js';
import { keys } from './keys.js';

/** Stream ids: "<ms>-<sequence>". The cursor is the last id handed out, read back exclusively. */
const STREAM_ID = /^\d{1,20}-\d{1,20}$/;

type StreamReply = [id: string, fields: string[]][];

/** The audit log as Redis streams: XADD through audit-append.lua, XREVRANGE to read newest first. */
export class RedisAuditLog implements AuditLog {
  private readonly appendScript: ScriptCall;

  constructor(private readonly redis: RedisClient) {
    // No fixed key count: the per-message stream is passed only for entries about a message.
    this.appendScript = redisScript(redis, 'audit-append.lua');
  }

  append(record: AuditRecord): Promise<void> {
    return guard('appendAudit', async () => {
      const json = JSON.stringify(record);
      if (record.quarantineId === undefined) await this.appendScript(1, keys.auditLog(), json);
      else await this.appendScript(2, keys.auditLog(), keys.auditByQuarantine(record.quarantineId), json);
    });
  }

  list(page: { cursor?: string | undefined; limit: number; quarantineId?: string | undefined }): Promise<AuditPage> {
    return guard('listAudit', async () => {
      if (page.cursor !== undefined && !STREAM_ID.test(page.cursor)) {
        throw new ParleyError('bad_request', 'cursor is not one this API handed out', { field: 'cursor' });
      }
      const key = page.quarantineId === undefined ? keys.auditLog() : keys.auditByQuarantine(page.quarantineId);
      const end = page.cursor === undefined ? '+' : `(${page.cursor}`;
      // One more than asked tells whether anything older remains, so the last page says so.
      const reply = (await this.redis.xrevrange(key, end, '-', 'COUNT', page.limit + 1)) as StreamReply;
      const items = reply.slice(0, page.limit).map(([id, fields]): AuditEntry => {
        const json = fields[fields.indexOf('e') + 1];
        if (json === undefined) throw new Error(`audit entry ${id} has no body`);
        return { ...(JSON.parse(json) as AuditRecord), id };
      });
      return { items, nextCursor: reply.length > page.limit ? items.at(-1)!.id : null };
    });
  }
}
