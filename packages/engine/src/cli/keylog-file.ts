/**
 * `--keylog FILE` (and the SSLKEYLOGFILE environment variable) for the CLI: appends the NSS key
 * log lines of a connection to a file as the secrets are derived, one `appendFileSync` per
 * line, the way browsers and curl do, so a Wireshark capture running live can decrypt the
 * connection while it happens.
 */
import { appendFileSync } from 'node:fs';
import { createKeyLog } from '../keylog';
import type { Side, TlsEvent } from '../events';
import { UsageError, getString, type FlagSpec, type ParsedArgs } from './args';

/** The flag spec shared by connect, serve and simulate. */
export function keyLogFlag(env: boolean): FlagSpec {
  return {
    type: 'string',
    metavar: 'FILE',
    help: `append the NSS key log (secrets for Wireshark) to FILE${env ? '; default: $SSLKEYLOGFILE if set' : ''}`,
  };
}

/**
 * The key log file asked for: `--keylog FILE`, else (when `env`) `$SSLKEYLOGFILE`, else none.
 * The file is created (appended to if present) now, so an unwritable path fails before any
 * connection: a usage error for `--keylog`, a note for the environment variable (the key log
 * is then not written).
 */
export function keyLogFileFromFlags(p: ParsedArgs, env: boolean, notes: string[] = []): string | undefined {
  const flag = getString(p, 'keylog');
  if (flag !== undefined) {
    if (flag === '') throw new UsageError('--keylog needs a file name');
    const problem = tryAppend(flag, '');
    if (problem) throw new UsageError(`cannot write the key log ${flag}: ${problem}`);
    return flag;
  }
  const fromEnv = env ? process.env.SSLKEYLOGFILE : undefined;
  if (!fromEnv) return undefined;
  const problem = tryAppend(fromEnv, '');
  if (problem) {
    notes.push(`not writing the key log: cannot write SSLKEYLOGFILE ${fromEnv}: ${problem}`);
    return undefined;
  }
  return fromEnv;
}

function tryAppend(file: string, text: string): string | undefined {
  try {
    appendFileSync(file, text);
    return undefined;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? 'no such directory' : String(code ?? err);
  }
}

/**
 * An event listener that appends the key log lines `side`'s events complete to `file` (one
 * line per write). A write error is reported once through `onError` and stops the logging;
 * it never reaches the endpoint.
 */
export function keyLogAppender(file: string, side: Side, onError: (message: string) => void): (e: TlsEvent) => void {
  const log = createKeyLog(side);
  let failed = false;
  return (e) => {
    if (failed) return;
    for (const line of log.add(e)) {
      const problem = tryAppend(file, `${line}\n`);
      if (problem) {
        failed = true;
        onError(`cannot write the key log ${file}: ${problem}`);
        return;
      }
    }
  };
}
