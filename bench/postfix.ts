// --postfix: the yardstick, run beside Parley in the same rotation. A private Postfix instance (its own
// config, queue and port under the run's temporary directory; the system's Postfix is not touched) set up as a
// rewriting relay for the alias domain: recipient aliases are rewritten to real-looking addresses and real
// senders to aliases with regexp canonical maps, and everything is relayed to the bench's sink. Its queue is
// Postfix's usual fsynced one. Needs Debian's postfix package and root (Postfix starts as root, then runs its
// daemons as the postfix user).
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { freePort } from '../test/helpers/redis-process.js';

const POSTFIX = '/usr/sbin/postfix';
/** The package's own service table is the starting point: same daemons, same process limits. */
const PACKAGE_MASTER_CF = '/etc/postfix/master.cf';

export interface PostfixHandle {
  /** Postfix's master daemon: every smtpd, cleanup, qmgr and smtp process is its child. */
  pid: number;
  port: number;
  logFile: string;
  stop(): void;
}

/** Why the bench cannot run Postfix here, or null when it can. */
export function postfixUnavailable(): string | null {
  if (!existsSync(POSTFIX) || !existsSync(PACKAGE_MASTER_CF)) return `${POSTFIX} not found: install Debian's postfix package (apt-get install postfix)`;
  if (process.getuid?.() !== 0) return 'Postfix starts as root and then drops to its own user: run the bench as root';
  return null;
}

/**
 * The package's master.cf with the public smtpd on our loopback port, no chroot (the instance lives in a
 * temporary directory without the chroot's copies of /etc files), and without the pipe transports, which
 * need external programs and are never used here.
 */
function masterCf(port: number): string {
  const out: string[] = [];
  let skipping = false;
  for (const line of readFileSync(PACKAGE_MASTER_CF, 'utf8').split('\n')) {
    if (/^\s*#/.test(line) || !line.trim()) continue;
    if (/^\s/.test(line)) {
      if (!skipping) out.push(line);
      continue;
    }
    const f = line.trim().split(/\s+/);
    skipping = f[7] === 'pipe';
    if (skipping || f.length < 8) continue;
    if (f[0] === 'smtp' && f[1] === 'inet') f[0] = `127.0.0.1:${port}`;
    f[4] = 'n';
    out.push(f.join('\t'));
  }
  return `${out.join('\n')}\n`;
}

function mainCf(dir: string, sinkPort: number): string {
  return [
    'compatibility_level = 3.6',
    `queue_directory = ${join(dir, 'queue')}`,
    `data_directory = ${join(dir, 'data')}`,
    `maillog_file = ${join(dir, 'maillog')}`,
    `maillog_file_prefixes = ${dir}`,
    'myhostname = relay.test',
    'mydomain = relay.test',
    'myorigin = relay.test',
    'inet_interfaces = 127.0.0.1',
    'inet_protocols = ipv4',
    'mydestination =',
    'alias_maps =',
    'alias_database =',
    'relay_domains = relay.test',
    // The load comes from 127.x.y.z (see load.ts): all of them are local clients, and all mail is for relay.test.
    'mynetworks = 127.0.0.0/8',
    'smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination',
    `relayhost = [127.0.0.1]:${sinkPort}`,
    `sender_canonical_maps = regexp:${join(dir, 'etc', 'sender_canonical')}`,
    `recipient_canonical_maps = regexp:${join(dir, 'etc', 'recipient_canonical')}`,
    // The bench's 10 MB class is a little over Postfix's default limit of 10,240,000 bytes.
    'message_size_limit = 52428800',
    'smtputf8_enable = yes',
    // No DNS answers here (Parley's bench runs without reverse lookups too): a PTR query would time out per client.
    'smtpd_peername_lookup = no',
    'smtp_dns_support_level = disabled',
    'biff = no',
    '',
  ].join('\n');
}

async function waitListening(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect({ port, host: '127.0.0.1' });
      s.once('connect', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`postfix did not listen on 127.0.0.1:${port}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function startPostfix(dir: string, sinkPort: number): Promise<PostfixHandle> {
  const why = postfixUnavailable();
  if (why) throw new Error(`--postfix: ${why}`);
  const etc = join(dir, 'etc');
  for (const sub of ['etc', 'queue', 'data']) mkdirSync(join(dir, sub), { recursive: true });
  // The run's directory is private (mkdtemp: 0700); Postfix's daemons run as the postfix user and must pass through.
  chmodSync(dirname(dir), 0o711);
  execFileSync('chown', ['postfix', join(dir, 'data')]);
  const port = await freePort();
  writeFileSync(join(etc, 'main.cf'), mainCf(dir, sinkPort));
  writeFileSync(join(etc, 'master.cf'), masterCf(port));
  // What Parley does with its alias map, as a regexp: real sender → alias, alias recipient → real address.
  // Canonical maps apply again to their own result: the sender rule stops at addresses already in relay.test.
  writeFileSync(join(etc, 'sender_canonical'), 'if !/@relay\\.test$/\n/^(.*)@(.*)$/ alias.${1}@relay.test\nendif\n');
  writeFileSync(join(etc, 'recipient_canonical'), '/^(.*)@relay\\.test$/ ${1}@real.example\n');
  const postfix = (command: string) => execFileSync(POSTFIX, ['-c', etc, command], { stdio: 'pipe' });
  postfix('start');
  const pidFile = join(dir, 'queue', 'pid', 'master.pid');
  await waitListening(port, 10_000);
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  return {
    pid,
    port,
    logFile: join(dir, 'maillog'),
    stop() {
      try {
        postfix('stop');
      } catch {
        // already gone
      }
    },
  };
}
