// Per-student variants: the same seed, draws, option order and text as grader/quiz/variants.py, so a student sees
// the letters and values `nn-grader quiz take` shows them, and an answers file grades the same.
//
// seed     = first 8 bytes of SHA-256("nn-grader/quiz-seed/v1" \0 secret \0 quiz id \0 student id), big-endian
// draw k   = first 8 bytes of SHA-256(`${seed}` \0 labels joined by \0, then \0 k), k = 1, 2, ...
// randint  = low + draw mod (high - low + 1);  choice = values[draw mod count]
// order    = computed options by (value, slot), static ones by slot (file order with shuffle: false), then a
//            Fisher-Yates shuffle with labels (question id, "#order") unless shuffle is false.

const SEED_LABEL = "nn-grader/quiz-seed/v1";
const LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const PLACEHOLDER = /\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

function first8(bytes) {
  return new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, false);
}

async function studentSeed(quizId, studentId, secret = "") {
  return first8(await sha256(utf8.encode([SEED_LABEL, secret, quizId, studentId].join("\0"))));
}

async function drawStream(seed, labels, count) {
  // The first `count` draws for (seed, labels), as a {randint, choice} source that hands them out in order.
  const prefix = `${seed}\0` + labels.join("\0");
  const stream = [];
  for (let k = 1; k <= count; k++) stream.push(first8(await sha256(utf8.encode(`${prefix}\0${k}`))));
  const next = () => {
    if (!stream.length) throw new ExpressionError("more draws than expected");
    return stream.shift();
  };
  return {
    randint: (low, high) => low + Number(next() % BigInt(high - low + 1)),
    choice: (values) => values[Number(next() % BigInt(values.length))],
  };
}

async function drawValues(question, seed) {
  // The parameter values of `question` for `seed`, drawn in order (a later one may use earlier ones).
  const values = {};
  for (const [name, source] of question.params) {
    const tree = parseExpression(source);
    values[name] = evaluate(tree, values, await drawStream(seed, [question.id, name], countDraws(tree)));
  }
  return values;
}

function pick(text, lang, fallback = []) {
  // grader.quiz.text.pick: the requested language, the language-neutral "*", the quiz's languages, English.
  if (!text) return "";
  for (const candidate of [lang, "*", ...fallback, "en"]) {
    if (candidate in text) return text[candidate];
  }
  return Object.values(text)[0];
}

function render(text, values, digits) {
  // Fill {name} placeholders with parameter values; {{ and }} stand for literal braces.
  const out = {};
  for (const [lang, value] of Object.entries(text || {})) {
    out[lang] = value.replace(PLACEHOLDER, (match, name) => {
      if (name === undefined) return match[0];
      return name in values ? formatNumber(values[name], digits) : match;
    });
  }
  return out;
}

const compareText = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

async function showQuestion(question, seed) {
  // The question as the student with `seed` sees it: {question, prompt, values, options: [{letter, slot, text,
  // value}]}. Throws ExpressionError if a value cannot be computed.
  const values = await drawValues(question, seed);
  const entries = question.options.map((option) => {
    if (option.value === null) {
      return { slot: option.slot, text: render(option.text, values, question.digits), value: null };
    }
    const value = evaluate(parseExpression(option.value), values);
    return { slot: option.slot, text: { "*": formatNumber(value, question.digits) }, value };
  });
  if (entries.some((entry) => entry.value !== null)) {
    entries.sort((a, b) => a.value - b.value || compareText(a.slot, b.slot));
  } else if (question.shuffle) {
    entries.sort((a, b) => compareText(a.slot, b.slot));
  }
  if (question.shuffle && entries.length > 1) {
    const draws = await drawStream(seed, [question.id, "#order"], entries.length - 1);
    for (let i = entries.length - 1; i > 0; i--) {
      const j = draws.randint(0, i);
      [entries[i], entries[j]] = [entries[j], entries[i]];
    }
  }
  const options = entries.map((entry, i) => ({ letter: LETTERS[i], ...entry }));
  return { question, prompt: render(question.prompt, values, question.digits), options, values };
}
