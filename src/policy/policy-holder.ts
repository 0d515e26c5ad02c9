import { loadPolicyFile, loadPolicyFileSync, PolicyConfigError } from './load-policy.js';
import type { Policy } from './policy-schema.js';

/** Where the engine gets the rules in force for each message. */
export interface PolicySource {
  current(): Policy;
}

export type ReloadResult = { ok: true; rules: number } | { ok: false; error: string };

/**
 * The policy in force, reloadable without a restart (SIGHUP or an admin call wire into reload()). A file that
 * does not validate leaves the old rules in place; the result says why, for the log and the admin response.
 */
export class PolicyHolder implements PolicySource {
  private constructor(
    readonly path: string,
    private policy: Policy,
  ) {}

  /** Reads the file once at start-up; throws PolicyConfigError, since running without a policy is not an option. */
  static load(path: string): PolicyHolder {
    return new PolicyHolder(path, loadPolicyFileSync(path));
  }

  current(): Policy {
    return this.policy;
  }

  async reload(): Promise<ReloadResult> {
    try {
      const next = await loadPolicyFile(this.path);
      this.policy = next;
      return { ok: true, rules: next.rules.length };
    } catch (err) {
      if (err instanceof PolicyConfigError) return { ok: false, error: err.message };
      throw err;
    }
  }
}

/** A fixed policy, for tools and tests that do not reload. */
export function staticPolicy(policy: Policy): PolicySource {
  return { current: () => policy };
}
