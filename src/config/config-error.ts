/**
 * A configuration error names the variable: one line per problem, each `VARIABLE: what is wrong`
 * (docs/design.md#configuration). The entry points print every line and exit non-zero. A problem
 * never quotes a secret (docs/policy.md#loading).
 */
export class ConfigError extends Error {
  /** One line per problem, each beginning with the variable's name. */
  readonly problems: readonly string[];
  constructor(
    readonly variable: string,
    messages: string | readonly string[],
  ) {
    const problems = (typeof messages === 'string' ? [messages] : messages).map((m) => `${variable}: ${m}`);
    super(problems.join('\n'));
    this.name = 'ConfigError';
    this.problems = problems;
  }
}
