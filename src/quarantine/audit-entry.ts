/**
 * The audit trail of quarantine: who saw or decided what, when and why. Entries are appended and never changed,
 * and hold no message content or real address, so they can outlive the purged messages they talk about.
 */

/**
 * Who acted. `admin` and `reviewer` are API tokens (with the optional name the caller gave); `system` is Parley
 * itself (policy holds and rejects at SMTP time, the retention purge), so no person is blamed for what it did.
 */
export interface Actor {
  role: 'admin' | 'reviewer' | 'system';
  name?: string;
}

export const AUDIT_ACTIONS = ['view', 'view_raw', 'release', 'reject', 'purge', 'hold', 'policy_reject'] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** What the caller appends; the log gives it its id. */
export interface AuditRecord {
  /** ms since epoch. */
  at: number;
  actor: Actor;
  action: AuditAction;
  quarantineId?: string;
  reason?: string;
  detail?: Record<string, unknown>;
}

export interface AuditEntry extends AuditRecord {
  /** Assigned by the log; entries sort newest first by it. */
  id: string;
}

export interface AuditPage {
  items: AuditEntry[];
  /** Hand back to continue after the last item; null when the log has nothing older. */
  nextCursor: string | null;
}
