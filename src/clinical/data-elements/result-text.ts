/**
 * What a lab's free text says about a screening result (docs/rules.md#lab-call): high risk, low
 * risk, or intermediate, read with a negation-aware vocabulary in Chinese and English. The text is
 * NFKC-normalised first (full-width letters and punctuation read as ASCII).
 *
 * - A negated high-risk phrase says low: 非高风险, 无高危, 未见阳性, 排除高风险, "not high risk",
 *   "no increased risk", "non-high-risk", "not positive".
 * - High: 高风险, 高危, 阳性, 风险增高/升高/增加; "high risk", "increased risk", "elevated risk",
 *   "positive" — when not negated.
 * - Intermediate: 临界风险, 临界范围, 中间风险, 中风险, 中危; "intermediate", "borderline", "moderate risk".
 * - Low: 低风险, 低危, 阴性, 未见异常, 无异常, 正常; "low risk", "negative", "normal", "not detected".
 *
 * - A cut-off is not a call: "高风险切割值 1/270", 临界值, "high-risk cut-off" are passed over.
 *
 * A text naming several results ("T21高风险，T18低风险") says the highest of them: any high is high,
 * else any intermediate is intermediate, else low. A text with none of these words says nothing.
 */
export type TextCall = 'high' | 'intermediate' | 'low';

/** A negator right before a high-risk word (Chinese allows 明显 / 提示 / 为 / 属于 / 存在 between them). */
const NEGATED_HIGH_ZH = /(?:非|不是|不为|不属于|不|无|未见|未提示|未发现|没有|排除|否认)(?:明显|提示|为|属于|存在)?(?:高风险|高危|阳性)/gu;
const NEGATED_HIGH_EN =
  /(?<![a-z])(?:not|no|non|without)[\s-]+(?:(?:at|an?|the|considered|screen(?:ed)?|evidence\s+of)[\s-]+)*(?:(?:increased|elevated|high)[\s-]*risk|high|positive)(?![a-z])/giu;
/** A cut-off named after what it separates ("高风险切割值 1/270", "high-risk cut-off"): not a call. */
const CUTOFF = /(?:高风险|高危|(?:high|increased)[\s-]*risk)?[\s-]*(?:切割值|截断值|临界值|界值|阈值|cut[\s-]*off|threshold)/giu;
/** "not low risk" says nothing we can use: removed, and read as neither low nor high. */
const NEGATED_LOW = /(?:非|不是)低风险|(?<![a-z])not\s+(?:at\s+)?low[\s-]*risk(?![a-z])/giu;

const HIGH = [/高风险|高危|阳性|风险(?:增高|升高|增加)/u, /(?<![a-z])(?:(?:high|increased|elevated)[\s-]*risk|positive)(?![a-z])/iu];
const INTERMEDIATE = [/临界风险|临界范围|中间风险|中风险|中危/u, /(?<![a-z])(?:intermediate|borderline|moderate[\s-]*risk)(?![a-z])/iu];
const LOW = [/低风险|低危|阴性|未见(?:明显)?异常|无异常|正常/u, /(?<![a-z])(?:low[\s-]*risk|negative|normal|not\s+detected)(?![a-z])/iu];

const any = (patterns: readonly RegExp[], s: string): boolean => patterns.some((p) => p.test(s));

export function textCall(raw: unknown): TextCall | undefined {
  if (typeof raw !== 'string' || raw.trim() === '') return undefined;
  let negatedHigh = false;
  const s = raw
    .normalize('NFKC')
    .replace(CUTOFF, ' ')
    .replace(NEGATED_LOW, ' ')
    .replace(NEGATED_HIGH_ZH, () => ((negatedHigh = true), ' '))
    .replace(NEGATED_HIGH_EN, () => ((negatedHigh = true), ' '));
  if (any(HIGH, s)) return 'high';
  if (any(INTERMEDIATE, s)) return 'intermediate';
  if (negatedHigh || any(LOW, s)) return 'low';
  return undefined;
}
