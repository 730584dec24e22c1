// Grading one answer in the page, as grader/quiz/grading.py grades it from a sealed copy: the chosen options' locks
// (every option's, for multiple select) say whether each is correct and why; a numeric lock holds the answer's
// expression, its mode and tolerance, and the known wrong values. Scores use grader/quiz/scoring.py's formulas.

const FLOAT_SLACK = 1e-12;
const THOUSANDS = /^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$/;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function readNumber(raw) {
  // The number a student typed ("1,010", "0.25", "9.5e-07"), or null if it is not one.
  let text = String(raw).normalize("NFKC").trim().replaceAll("_", "");
  if (THOUSANDS.test(text)) text = text.replaceAll(",", "");
  if (!DECIMAL.test(text)) return null;
  const value = Number(text);
  return Number.isFinite(value) ? value : null;
}

function multipleSelectScore(scheme, selected, correct, nOptions) {
  // The fraction of a multiple-select question's points (PrairieLearn's schemes; see docs/quiz.md).
  const hits = [...selected].filter((s) => correct.has(s)).length;
  const wrongPicks = selected.size - hits;
  const missed = correct.size - hits;
  const same = wrongPicks === 0 && missed === 0;
  if (scheme === "all-or-nothing") return same ? 1 : 0;
  if (scheme === "net-correct") return same ? 1 : Math.max(0, (hits - wrongPicks) / correct.size);
  if (scheme === "coverage") return selected.size === 0 ? 0 : (hits / correct.size) * (hits / selected.size);
  if (scheme === "each-answer") return Math.max(0, 1 - (wrongPicks + missed) / nOptions);
  throw new Error(`unknown scoring scheme ${scheme}`);
}

function numericMatches(value, key, mode, tolerance) {
  if (!(Number.isFinite(value) && Number.isFinite(key))) return false;
  const slack = FLOAT_SLACK * Math.max(1, Math.abs(key));
  if (mode === "exact") return value === key;
  if (mode === "abs_tol") return Math.abs(value - key) <= tolerance + slack;
  if (mode === "rel_tol") return Math.abs(value - key) <= tolerance * Math.abs(key) + slack;
  throw new Error(`unknown numeric mode ${mode}`);
}

class SealedKey {
  // The key inside the page's locks, opened on demand (one scrypt run each) and remembered.
  constructor(quiz) {
    this.quiz = quiz;
    this.opened = new Map();
  }

  async open(question, slot) {
    const name = `${question.id}\x1f${slot}`;
    if (!this.opened.has(name)) {
      const lock = question.locks[slot];
      if (lock === undefined) throw new LockError(`no lock for ${slot}`);
      this.opened.set(name, openLock(this.quiz.seal, this.quiz.id, question.id, slot, lock));
    }
    return this.opened.get(name);
  }
}

async function gradeQuestion(keys, shown, answer) {
  // A result with language-independent texts: {points, maxPoints, answers: [{label, text, right, selected,
  // feedback, misconception}], explanation}. `answer` is a list of slots (choice types) or a number (numeric).
  const question = shown.question;
  const explanation = (await keys.open(question, "explanation")).explanation;
  const base = { maxPoints: question.points, explanation: say(explanation, shown) };
  if (question.type === "numeric") return { ...base, ...(await gradeNumber(keys, shown, answer)) };
  const considered = shown.options.filter((o) => answer.includes(o.slot) || question.type === "multiple");
  const payloads = await Promise.all(considered.map((o) => keys.open(question, o.slot)));
  const answers = [];
  const correct = new Set();
  considered.forEach((option, i) => {
    const key = payloads[i];
    if (key.correct) correct.add(option.slot);
    const selected = answer.includes(option.slot);
    if (!selected && !key.correct) return;
    const standard = key.correct && selected ? "correct" : key.correct ? "missed" : "wrong";
    answers.push({ label: option.letter, text: option.text, right: Boolean(key.correct), selected, standard,
                   feedback: say(key.feedback, shown),
                   misconception: key.misconception || null });
  });
  const fraction = question.type === "multiple"
    ? multipleSelectScore(question.scoring || "all-or-nothing", new Set(answer), correct, shown.options.length)
    : (answer.length && correct.has(answer[0]) ? 1 : 0);
  return { ...base, points: roundHalfEven(fraction * question.points, 4), answers };
}

async function gradeNumber(keys, shown, value) {
  const question = shown.question;
  const key = await keys.open(question, "numeric");
  const answer = evaluate(parseExpression(key.answer), shown.values);
  const matches = (expected) => numericMatches(value, expected, key.mode, Number(key.tolerance));
  const right = matches(answer);
  const label = formatNumber(value, 12);
  const item = { label, text: { "*": label }, right, selected: true, standard: right ? "correct" : "wrong",
                 feedback: null, misconception: null };
  if (!right) {
    for (const distractor of key.distractors || []) {
      if (matches(evaluate(parseExpression(distractor.value), shown.values))) {
        item.feedback = say(distractor.feedback, shown);
        item.misconception = distractor.misconception || null;
        break;
      }
    }
  }
  return { points: right ? question.points : 0, answers: [item] };
}

function say(value, shown) {
  // A lock's text (one plain string for every language, or {en: ..., ko: ...}) with the question's values filled in;
  // null if the lock has none.
  if (!value) return null;
  return render(typeof value === "string" ? { "*": value } : value, shown.values, shown.question.digits);
}
