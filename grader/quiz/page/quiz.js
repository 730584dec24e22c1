// The quiz page: a student id, then every question with its options; "Check answer" opens the locks that answer
// needs and shows the verdict in words, the feedback for each chosen (or missed) option, the explanation and the
// running score. The language switch repaints every text from the state below, so no answer is lost. The answers
// file is the format `nn-grader quiz grade` reads (grader/quiz/answers.py).

const DATA = JSON.parse(document.getElementById("quiz-data").textContent);
const QUIZ = DATA.quiz;
const state = {
  lang: DATA.lang,
  student: DATA.student ? DATA.student.id : null,
  seed: null,
  shown: [],      // per question: the shown question, or {error} when its values cannot be computed
  draft: {},      // question id -> selected slots (choice) or the typed text (numeric), before checking
  results: {},    // question id -> {answer, recorded, result} once checked
  busy: new Set(),
};
const keys = new SealedKey(QUIZ);

function word(name, fields = {}) {
  const template = (DATA.words[state.lang] || DATA.words.en)[`quiz_page.${name}`] || DATA.words.en[`quiz_page.${name}`];
  return template.replace(/\{(\w+)\}/g, (match, field) => (field in fields ? String(fields[field]) : match));
}

const text = (value) => pick(value, state.lang, QUIZ.languages);
const percent = (fraction) => formatG(roundHalfEven(fraction * 100, 0), 6) + "%";

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    if (name === "text") node.textContent = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : value);
  }
  node.append(...children.filter((child) => child !== null && child !== undefined));
  return node;
}

// -- start: the student id ----------------------------------------------------------------------------------------

async function start(event) {
  event.preventDefault();
  const input = document.getElementById("student");
  const error = document.getElementById("start-error");
  const student = DATA.student ? DATA.student.id : input.value.trim();
  if (!student) {
    error.textContent = word("student_needed");
    input.focus();
    return;
  }
  error.textContent = "";
  state.student = student;
  state.seed = DATA.student ? BigInt(DATA.student.seed) : await studentSeed(QUIZ.id, student);
  state.shown = [];
  for (const question of QUIZ.questions) {
    try {
      state.shown.push(await showQuestion(question, state.seed));
    } catch (problem) {
      state.shown.push({ question, error: problem.message });
    }
  }
  document.getElementById("start").hidden = true;
  document.getElementById("quiz").hidden = false;
  paint();
  document.querySelector("#questions input")?.focus();
}

// -- painting: every text from the state, in the current language ------------------------------------------------

function paint() {
  document.documentElement.lang = state.lang;
  document.title = text(QUIZ.title);
  document.getElementById("title").textContent = text(QUIZ.title);
  for (const node of document.querySelectorAll("[data-word]")) node.textContent = word(node.dataset.word);
  for (const button of document.querySelectorAll("[data-lang]")) {
    button.setAttribute("aria-pressed", String(button.dataset.lang === state.lang));
  }
  const n = QUIZ.questions.length;
  document.getElementById("intro").textContent = word("intro", { n, mark: percent(QUIZ.pass_mark) });
  if (DATA.student) {
    document.getElementById("student-fixed").textContent = word("student_fixed", { student: DATA.student.id });
  }
  if (!state.student || !state.shown.length) return;
  document.getElementById("who").textContent = word("student", { student: state.student });
  const focused = document.activeElement && document.activeElement.id;
  const list = document.getElementById("questions");
  list.replaceChildren(...state.shown.map((shown, i) => questionForm(shown, i)));
  if (focused && !document.activeElement?.id) document.getElementById(focused)?.focus();  // a rebuilt input keeps focus
  paintSummary();
}

function pointsWord(n) {
  return word(n === 1 ? "point" : "points", { n: formatG(n) });
}

function questionForm(shown, index) {
  const question = shown.question;
  const id = `q${index + 1}`;
  const checked = state.results[question.id];
  const number = word("question", { i: index + 1, n: QUIZ.questions.length, points: pointsWord(question.points) });
  const legend = el("legend", {}, el("span", { class: "number", text: number }),
                    el("span", { class: "prompt", text: text(shown.error ? question.prompt : shown.prompt) }));
  const feedback = el("div", { class: "feedback", id: `${id}-feedback`, "aria-live": "polite", tabindex: "-1" });
  const submit = (event) => {
    event.preventDefault();
    check(index);
  };
  const form = el("form", { class: "question", id, "data-question": question.id, onsubmit: submit,
                            onkeydown: (event) => enterChecks(event, index) });
  if (shown.error) {
    feedback.append(el("p", { class: "problem", role: "alert", text: word("value_error", { reason: shown.error }) }));
    form.append(el("fieldset", {}, legend, feedback));
    return form;
  }
  const how = el("p", { class: "how", id: `${id}-how`, text: word(`how_${question.type}`) });
  const inputs = question.type === "numeric" ? numberInput(shown, id, checked) : optionInputs(shown, id, checked);
  // Once checked, the verdict takes the button's place: an answer is checked once, as in `nn-grader quiz take`.
  const busy = state.busy.has(question.id);
  const button = checked ? null : el("button", { type: "submit", class: "check", disabled: busy,
                                                 text: word(busy ? "checking" : "check") });
  if (checked) feedback.append(...feedbackNodes(checked.result));
  form.append(el("fieldset", { "aria-describedby": `${id}-how` }, legend, how, inputs, button, feedback));
  return form;
}

function optionInputs(shown, id, checked) {
  const question = shown.question;
  const type = question.type === "multiple" ? "checkbox" : "radio";
  const chosen = checked ? checked.answer : state.draft[question.id] || [];
  const list = el("div", { class: "options" });
  for (const option of shown.options) {
    const input = el("input", { type, name: `${id}-answer`, value: option.slot, id: `${id}-${option.letter}`,
                                checked: chosen.includes(option.slot), disabled: Boolean(checked),
                                onchange: () => remember(question, list) });
    const letter = el("span", { class: "letter", text: `${option.letter})` });
    const label = el("span", { text: text(option.text) });
    list.append(el("label", { for: input.id, class: "option" }, input, letter, " ", label));
  }
  return list;
}

function remember(question, list) {
  state.draft[question.id] = [...list.querySelectorAll("input:checked")].map((input) => input.value);
}

function numberInput(shown, id, checked) {
  const question = shown.question;
  const typed = checked ? checked.typed : state.draft[question.id] || "";
  const input = el("input", { type: "text", autocomplete: "off", id: `${id}-number`, value: typed,
                              disabled: Boolean(checked),
                              oninput: (event) => { state.draft[question.id] = event.target.value; } });
  return el("p", { class: "number-answer" }, el("label", { for: input.id, text: word("number_label") }), " ", input);
}

function enterChecks(event, index) {
  // Enter checks the answer from any input of the question (a radio or a checkbox would not submit by itself).
  if (event.key === "Enter" && event.target.tagName === "INPUT") {
    event.preventDefault();
    check(index);
  }
}

// -- checking one answer -----------------------------------------------------------------------------------------

async function check(index) {
  const shown = state.shown[index];
  const question = shown.question;
  if (state.results[question.id] || state.busy.has(question.id)) return;
  const feedback = document.getElementById(`q${index + 1}-feedback`);
  const answer = readAnswer(shown);
  if (answer.error) {
    feedback.replaceChildren(el("p", { class: "problem", role: "alert", text: answer.error }));
    return;
  }
  state.busy.add(question.id);
  paint();
  try {
    const result = await gradeQuestion(keys, shown, answer.value);
    state.results[question.id] = { answer: answer.value, typed: answer.typed, recorded: answer.recorded, result };
  } catch (problem) {
    state.busy.delete(question.id);
    paint();
    const reason = problem instanceof LockError ? "lock_error" : "value_error";
    document.getElementById(`q${index + 1}-feedback`).replaceChildren(
      el("p", { class: "problem", role: "alert", text: word(reason, { reason: problem.message }) }));
    return;
  }
  state.busy.delete(question.id);
  paint();
  document.getElementById(`q${index + 1}-feedback`).focus();
}

function readAnswer(shown) {
  // {value, recorded, typed} or {error}: `value` is what grading reads, `recorded` what the answers file holds.
  const question = shown.question;
  if (question.type === "numeric") {
    const typed = String(state.draft[question.id] || "").trim();
    if (!typed) return { error: word("choose_first") };
    const value = readNumber(typed);
    if (value === null) return { error: word("not_a_number", { text: typed }) };
    return { value, recorded: value, typed };
  }
  const slots = state.draft[question.id] || [];
  if (!slots.length && question.type !== "multiple") return { error: word("choose_first") };
  // Static options are recorded by id (the same for every student); computed ones have no id, so by letter.
  const label = (slot) => {
    const option = shown.options.find((o) => o.slot === slot);
    return option.value === null ? slot : option.letter;
  };
  if (question.type === "true_false") return { value: slots, recorded: slots[0] === "true" };
  if (question.type === "single") return { value: slots, recorded: label(slots[0]) };
  return { value: slots, recorded: shown.options.filter((o) => slots.includes(o.slot)).map((o) => label(o.slot)) };
}

function verdictOf(result) {
  return result.points >= result.maxPoints ? "correct" : result.points > 0 ? "partial" : "wrong";
}

function answerHeading(item) {
  // "C) 1,010" for an option; a typed number is its own name, so it is not shown as if it were a letter.
  const shown = text(item.text);
  return shown === item.label ? shown : `${item.label}) ${shown}`;
}

function feedbackNodes(result) {
  const verdict = verdictOf(result);
  const symbol = { correct: "✓", partial: "~", wrong: "✗" }[verdict];
  const earned = word("earned", { got: formatG(result.points), max: formatG(result.maxPoints) });
  const nodes = [el("p", { class: `verdict ${verdict}` }, el("span", { "aria-hidden": "true", text: `${symbol} ` }),
                    el("strong", { text: word(verdict) }), `: ${earned}`)];
  // The misconception tag (an English slug) is for the instructor's reports, not the student:
  // the feedback already says the same thing in the student's language.
  const items = result.answers.map((item) => el("li", {}, el("strong", { text: answerHeading(item) }),
                                                ` (${word(item.selected ? "your_answer" : "missed")}): `,
                                                text(item.feedback) || word(`default_${item.standard}`)));
  if (items.length) nodes.push(el("ul", { class: "answers" }, ...items));
  if (result.explanation) {
    const title = el("strong", { text: `${word("explanation")}: ` });
    nodes.push(el("p", { class: "explanation" }, title, text(result.explanation)));
  }
  return nodes;
}

// -- score and answers file ---------------------------------------------------------------------------------------

function paintSummary() {
  // Summed in question order and rounded as grader.quiz.grading does, so the page and `grade` print one number.
  const done = QUIZ.questions.filter((q) => state.results[q.id]).map((q) => state.results[q.id].result);
  const got = roundHalfEven(done.reduce((sum, result) => sum + result.points, 0), 4);
  const most = QUIZ.questions.reduce((sum, q) => sum + q.points, 0);
  const [running, total, passed] = ["running", "total", "passed"].map((id) => document.getElementById(id));
  const n = QUIZ.questions.length;
  running.textContent = word("running", { got: formatG(got), max: formatG(most), done: done.length, n });
  const finished = done.length === n;
  total.hidden = passed.hidden = !finished;
  if (finished) {
    const fraction = most ? got / most : 0;
    const pct = formatG(roundHalfEven(100 * fraction, 0));
    total.textContent = word("total", { got: formatG(got), max: formatG(most), pct });
    const pass = fraction >= QUIZ.pass_mark - 1e-9;
    passed.textContent = word(pass ? "passed" : "failed", { mark: percent(QUIZ.pass_mark) });
    passed.className = pass ? "verdict correct" : "verdict wrong";
  }
  document.getElementById("download-help").textContent = word("download_help", { file: answersFileName() });
}

function answersFileName() {
  return `${QUIZ.id}.answers.json`;
}

function answersFile() {
  const answers = {};
  for (const question of QUIZ.questions) {
    if (state.results[question.id]) answers[question.id] = state.results[question.id].recorded;
  }
  return { quiz: QUIZ.id, student: state.student, answers };
}

function download() {
  const blob = new Blob([JSON.stringify(answersFile(), null, 2) + "\n"], { type: "application/json" });
  const link = el("a", { href: URL.createObjectURL(blob), download: answersFileName() });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}

// -- wiring -------------------------------------------------------------------------------------------------------

function setLanguage(lang) {
  state.lang = lang;
  paint();
}

window.addEventListener("DOMContentLoaded", () => {
  if (!(window.crypto && crypto.subtle)) {
    const error = document.getElementById("start-error");
    error.textContent = word("no_crypto");
    document.querySelector("#start button").disabled = true;
  }
  for (const button of document.querySelectorAll("[data-lang]")) {
    button.textContent = DATA.words[button.dataset.lang]["quiz_page.language_name"];
    button.addEventListener("click", () => setLanguage(button.dataset.lang));
  }
  document.getElementById("start").addEventListener("submit", start);
  document.getElementById("download").addEventListener("click", download);
  if (DATA.student) {
    const input = document.getElementById("student");
    input.value = DATA.student.id;
    input.readOnly = true;
  }
  paint();
});

window.nnQuiz = { data: DATA, state, openLock, showQuestion, studentSeed, formatNumber, formatG, roundHalfEven,
                  evaluate, parseExpression, answersFile };
