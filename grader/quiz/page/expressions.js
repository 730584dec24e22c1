// Arithmetic expressions and number formatting with Python's semantics: the same as grader/quiz/expressions.py
// and grader/quiz/variants.py's format_number, so a page shows the values and letters `nn-grader quiz take` shows.
//
// Grammar (Python's, restricted to the whitelist the quiz validator allows):
//   sum    = term (("+" | "-") term)*
//   term   = factor (("*" | "/" | "//" | "%") factor)*
//   factor = ("+" | "-") factor | power
//   power  = atom ("**" factor)?          -- right-associative; binds tighter than a unary minus on its left
//   atom   = number | name | name "(" sum ("," sum)* ")" | "(" sum ")"
// Numbers are JavaScript doubles: exact for the whole numbers a quiz draws (below 2^53), where Python's integers
// would be exact at any size.

// The bounds of grader/quiz/expressions.py: every number at most MAX_MAGNITUDE, round's digits at most
// MAX_ROUND_DIGITS either way (a sealed copy's expressions reach the page without Python evaluating them first).
const MAX_EXPONENT = 100;
const MAX_MAGNITUDE = 1e300;
const MAX_ROUND_DIGITS = 30;
const DRAWS = ["randint", "choice"];

class ExpressionError extends Error {}

function tokenize(source) {
  const number = /\d[\d_]*\.?[\d_]*(?:[eE][+-]?\d+)?|\.\d[\d_]*(?:[eE][+-]?\d+)?/.source;
  const pattern = new RegExp(`\\s*(?:(${number})|([A-Za-z_]\\w*)|(\\*\\*|\\/\\/|[-+*\\/%(),]))`, "y");
  const tokens = [];
  let position = 0;
  while (position < source.length) {
    if (/^\s*$/.test(source.slice(position))) break;
    pattern.lastIndex = position;
    const match = pattern.exec(source);
    if (!match) throw new ExpressionError(`cannot read \`${source}\` at column ${position + 1}`);
    position = pattern.lastIndex;
    if (match[1] !== undefined) tokens.push({ kind: "number", value: Number(match[1].replaceAll("_", "")) });
    else if (match[2] !== undefined) tokens.push({ kind: "name", value: match[2] });
    else tokens.push({ kind: "op", value: match[3] });
  }
  return tokens;
}

function parseExpression(source) {
  // The syntax tree of `source` ({kind: "number" | "name" | "unary" | "binary" | "call", ...}).
  const tokens = tokenize(String(source));
  let i = 0;
  const peek = () => tokens[i] || { kind: "end", value: "" };
  const accept = (value) => (peek().kind === "op" && peek().value === value ? (i++, true) : false);
  const expect = (value) => {
    if (!accept(value)) throw new ExpressionError(`expected \`${value}\` in \`${source}\``);
  };
  function sum() {
    let node = term();
    for (let op = peek().value; peek().kind === "op" && (op === "+" || op === "-"); op = peek().value) {
      i++;
      node = { kind: "binary", op, left: node, right: term() };
    }
    return node;
  }
  function term() {
    let node = factor();
    for (let op = peek().value; peek().kind === "op" && ["*", "/", "//", "%"].includes(op); op = peek().value) {
      i++;
      node = { kind: "binary", op, left: node, right: factor() };
    }
    return node;
  }
  function factor() {
    if (accept("-")) return { kind: "unary", op: "-", operand: factor() };
    if (accept("+")) return { kind: "unary", op: "+", operand: factor() };
    const base = atom();
    return accept("**") ? { kind: "binary", op: "**", left: base, right: factor() } : base;
  }
  function atom() {
    const token = peek();
    i++;
    if (token.kind === "number") return { kind: "number", value: token.value };
    if (token.kind === "name") {
      if (!accept("(")) return { kind: "name", name: token.value };
      const args = [sum()];
      while (accept(",")) args.push(sum());
      expect(")");
      return { kind: "call", name: token.value, args };
    }
    if (token.kind === "op" && token.value === "(") {
      const inner = sum();
      expect(")");
      return inner;
    }
    throw new ExpressionError(`unexpected \`${token.value}\` in \`${source}\``);
  }
  const tree = sum();
  if (i < tokens.length) throw new ExpressionError(`unexpected \`${peek().value}\` in \`${source}\``);
  return tree;
}

function countDraws(node) {
  // How many random draws evaluating `node` makes: every node is evaluated exactly once, in source order.
  if (node.kind === "unary") return countDraws(node.operand);
  if (node.kind === "binary") return countDraws(node.left) + countDraws(node.right);
  if (node.kind === "call") return node.args.reduce((n, a) => n + countDraws(a), DRAWS.includes(node.name) ? 1 : 0);
  return 0;
}

function pyMod(a, b) {
  // Python's %: the result takes the divisor's sign.
  if (b === 0) throw new ExpressionError("division by zero");
  const r = a % b;
  return r !== 0 && (r < 0) !== (b < 0) ? r + b : r;
}

function pyFloorDiv(a, b) {
  // Python's float floor division (Objects/floatobject.c, float_floor_div), step by step.
  if (b === 0) throw new ExpressionError("division by zero");
  const mod = a % b;
  let div = (a - mod) / b;
  if (mod !== 0 && (b < 0) !== (mod < 0)) div -= 1;
  if (div === 0) return 0;
  let floor = Math.floor(div);
  if (div - floor > 0.5) floor += 1;
  return floor;
}

function binary(op, a, b) {
  switch (op) {
    case "+": return a + b;
    case "-": return a - b;
    case "*": return a * b;
    case "/":
      if (b === 0) throw new ExpressionError("division by zero");
      return a / b;
    case "//": return pyFloorDiv(a, b);
    case "%": return pyMod(a, b);
    case "**":
      if (Math.abs(b) > MAX_EXPONENT) throw new ExpressionError(`exponent ${b} is larger than ${MAX_EXPONENT}`);
      if (a === 0 && b < 0) throw new ExpressionError("0 cannot be raised to a negative power");
      return a ** b;
  }
  throw new ExpressionError(`unknown operator ${op}`);
}

function atLeastTwo(name, values) {
  // Python's min(x) and max(x) of one number fail ("not iterable"); so do these.
  if (values.length < 2) throw new ExpressionError(`${name} needs two or more values`);
  return values;
}

const FUNCTIONS = {
  abs: (x) => Math.abs(x),
  round: (x, digits) => {
    if (digits !== undefined && !(Math.abs(digits) <= MAX_ROUND_DIGITS)) {
      throw new ExpressionError(`round to ${digits} digits: expected at most ${MAX_ROUND_DIGITS} either way`);
    }
    return roundHalfEven(x, digits === undefined ? 0 : digits);
  },
  min: (...xs) => Math.min(...atLeastTwo("min", xs)),
  max: (...xs) => Math.max(...atLeastTwo("max", xs)),
  floor: (x) => Math.floor(x),
  ceil: (x) => Math.ceil(x),
  sqrt: (x) => { if (x < 0) throw new ExpressionError("math domain error"); return Math.sqrt(x); },
  exp: (x) => Math.exp(x),
  log: (x, base) => {
    if (x <= 0 || (base !== undefined && base <= 0)) throw new ExpressionError("math domain error");
    return base === undefined ? Math.log(x) : Math.log(x) / Math.log(base);
  },
  tanh: (x) => Math.tanh(x),
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
};

function evaluate(node, values, draws = null) {
  // The value of the tree `node` for parameter `values`; `draws` ({randint, choice}) only for parameters.
  let result;
  if (node.kind === "number") {
    if (!(Math.abs(node.value) <= MAX_MAGNITUDE)) throw new ExpressionError(`the number ${node.value} is out of range`);
    return node.value;
  }
  if (node.kind === "name") {
    if (!(node.name in values)) throw new ExpressionError(`parameter \`${node.name}\` is used but not defined`);
    return values[node.name];
  }
  if (node.kind === "unary") {
    const operand = evaluate(node.operand, values, draws);
    return node.op === "-" ? -operand : operand;
  }
  if (node.kind === "binary") {
    const left = evaluate(node.left, values, draws);
    const right = evaluate(node.right, values, draws);
    result = binary(node.op, left, right);
    if (Number.isNaN(result) || Math.abs(result) > MAX_MAGNITUDE) {
      throw new ExpressionError(`out of range (${left} ${node.op} ${right})`);
    }
    return result;
  }
  const args = node.args.map((arg) => evaluate(arg, values, draws));
  if (DRAWS.includes(node.name)) {
    if (!draws) throw new ExpressionError(`${node.name} needs a student seed`);
    if (node.name === "randint") {
      const [low, high] = args;
      if (args.length !== 2 || !Number.isInteger(low) || !Number.isInteger(high) || low > high) {
        throw new ExpressionError(`randint(${args}) needs whole numbers with low <= high`);
      }
      return draws.randint(low, high);
    }
    return draws.choice(args);
  }
  if (!(node.name in FUNCTIONS)) throw new ExpressionError(`unknown function \`${node.name}\``);
  result = FUNCTIONS[node.name](...args);
  if (!(Math.abs(result) <= MAX_MAGNITUDE)) throw new ExpressionError(`${node.name}(${args}) is out of range`);
  return result;
}

// -- Python's decimal rounding, exactly ---------------------------------------------------------------------------
// Python rounds the exact binary value of a float half to even (round(0.125, 2) == 0.12, f"{0.015625:.4g}" ==
// "0.01562"); JavaScript's toPrecision rounds half up. Both are done here on the exact value as a BigInt fraction.

function exactFraction(x) {
  // |x| as [numerator, denominator] BigInts, the denominator a power of two.
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const high = view.getUint32(0);
  const exponentBits = (high >>> 20) & 0x7ff;
  let mantissa = (BigInt(high & 0xfffff) << 32n) | BigInt(view.getUint32(4));
  let exponent = -1074;
  if (exponentBits !== 0) {
    mantissa |= 1n << 52n;
    exponent = exponentBits - 1075;
  }
  return exponent >= 0 ? [mantissa << BigInt(exponent), 1n] : [mantissa, 1n << BigInt(-exponent)];
}

function scaledHalfEven(num, den, shift) {
  // round(num / den * 10^shift) to a whole number, ties to even.
  const [n, d] = shift >= 0 ? [num * 10n ** BigInt(shift), den] : [num, den * 10n ** BigInt(-shift)];
  let q = n / d;
  const twice = 2n * (n % d);
  if (twice > d || (twice === d && q % 2n === 1n)) q += 1n;
  return q;
}

function roundHalfEven(x, digits) {
  // Python's round(x, digits) for a float: the nearest multiple of 10^-digits, ties to even.
  if (x === 0 || !Number.isFinite(x)) return x;
  const [num, den] = exactFraction(x);
  const q = scaledHalfEven(num, den, digits);
  const magnitude = Number(`${q}e${-digits}`);
  return x < 0 ? -magnitude : magnitude;
}

function significant(x, precision) {
  // |x| rounded to `precision` significant digits: {digits: "ddd", exponent: e} with |x| ~ d.dd x 10^e.
  const [num, den] = exactFraction(x);
  let exponent = Math.floor(Math.log10(Math.abs(x)));
  const power = (e) => (e >= 0 ? [num, den * 10n ** BigInt(e)] : [num * 10n ** BigInt(-e), den]);
  for (let [n, d] = power(exponent); n < d; [n, d] = power(exponent)) exponent -= 1;
  for (let [n, d] = power(exponent + 1); n >= d; [n, d] = power(exponent + 1)) exponent += 1;
  let q = scaledHalfEven(num, den, precision - 1 - exponent);
  if (q === 10n ** BigInt(precision)) {
    q = 10n ** BigInt(precision - 1);
    exponent += 1;
  }
  return { digits: q.toString(), exponent };
}

function formatG(x, precision = 6) {
  // Python's f"{x:.{precision}g}".
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x < 0 ? "-inf" : "inf";
  const sign = x < 0 || Object.is(x, -0) ? "-" : "";
  if (x === 0) return sign + "0";
  const p = Math.max(1, precision);
  const { digits, exponent } = significant(x, p);
  const strip = (text) => (text.includes(".") ? text.replace(/0+$/, "").replace(/\.$/, "") : text);
  if (exponent >= -4 && exponent < p) {
    const text = exponent >= 0
      ? digits.slice(0, exponent + 1) + "." + digits.slice(exponent + 1)
      : "0." + "0".repeat(-exponent - 1) + digits;
    return sign + strip(text);
  }
  const mantissa = strip(digits[0] + "." + digits.slice(1));
  const power = String(Math.abs(exponent)).padStart(2, "0");
  return `${sign}${mantissa}e${exponent < 0 ? "-" : "+"}${power}`;
}

function formatNumber(value, digits = 4) {
  // grader.quiz.variants.format_number: whole numbers with thousands separators (1,010), others with `digits`
  // significant digits (0.25).
  if (Number.isInteger(value) && Math.abs(value) < 1e15) {
    const text = BigInt(value).toString().replace(/^-/, "");
    return (value < 0 ? "-" : "") + text.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  }
  return formatG(value, digits);
}
