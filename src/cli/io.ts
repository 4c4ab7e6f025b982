/** What a command touches of the outside world; injected so the commands are testable in-process. */
export interface CliIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Whether stderr is a terminal (progress is shown there by default only then). */
  readonly stderrIsTty: boolean;
}

/** Exit codes of every command: 0 ok; 1 failed (or, for `registry import`, rows rejected); 2 usage error. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
