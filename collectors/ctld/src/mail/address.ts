import { errorMessage, runCommand } from '@slurmscope/common';
import type { CommandRunner } from '../slurm/commands.js';

/** How a user's address is found. */
export interface AddressBookOptions {
  /** `<user>@<userDomain>` when there is no command. */
  readonly userDomain: string;
  /** argv printing the address; `{user}` replaced by the user name, appended when absent. */
  readonly command?: readonly string[];
  readonly timeoutMs: number;
  /** How long a looked-up address is used. */
  readonly cacheForMs: number;
  /** Runs the command (runCommand by default: it kills the process group on timeout). */
  readonly run?: CommandRunner;
  readonly now?: () => number;
}

/** A plausible mail address: something@something, no spaces or angle brackets. */
const ADDRESS = /^[^\s@<>]+@[^\s@<>]+$/;

/** The argv of the address command for `user`: `{user}` replaced, else the user appended. */
export function addressArgv(command: readonly string[], user: string): string[] {
  const has = command.some((a) => a.includes('{user}'));
  const argv = command.map((a) => a.replaceAll('{user}', user));
  return has ? argv : [...argv, user];
}

/**
 * Users' mail addresses: `<user>@<userDomain>`, or the first line an `addressCommand` prints,
 * cached for `cacheForMs`. A failing command throws (the mail waits and is retried); failures are
 * not cached.
 */
export class AddressBook {
  /** Lookups that failed (for /metrics). */
  errors = 0;
  private readonly cache = new Map<string, { address: string; until: number }>();

  constructor(private readonly opts: AddressBookOptions) {}

  /** The address of `user`; throws an Error naming the command when it cannot tell. */
  async lookup(user: string): Promise<string> {
    if (this.opts.command === undefined) return `${user}@${this.opts.userDomain}`;
    const now = (this.opts.now ?? Date.now)();
    const hit = this.cache.get(user);
    if (hit !== undefined && hit.until > now) return hit.address;
    const [file, ...args] = addressArgv(this.opts.command, user);
    try {
      const r = await (this.opts.run ?? runCommand)(file!, args, {
        timeoutMs: this.opts.timeoutMs,
        maxBytes: 64 * 1024,
      });
      if (r.code !== 0) throw new Error(`exit code ${r.code ?? r.signal}: ${r.stderr.trim().slice(0, 200)}`);
      const address = r.stdout.split('\n')[0]!.trim();
      if (!ADDRESS.test(address)) throw new Error(`printed ${JSON.stringify(address.slice(0, 80))}, not an address`);
      this.cache.set(user, { address, until: now + this.opts.cacheForMs });
      return address;
    } catch (err) {
      this.errors++;
      throw new Error(`smtp.addressCommand for user ${user}: ${errorMessage(err)}`, { cause: err });
    }
  }
}
