// Opening the locks of a sealed quiz: the same format as grader/quiz/locks.py.
//
// key    = scrypt(quiz id \x1f question id \x1f slot; salt, N, r, p) -> 32 bytes
// lock   = base64(tag[16] + cipher), cipher = JSON payload (space-padded) XOR keystream
// stream = SHA-256(key + counter as 4 big-endian bytes), counter = 0, 1, ...
// tag    = HMAC-SHA256(key, cipher)[:16]
// scrypt is not in Web Crypto, so it is built here from Web Crypto's PBKDF2-HMAC-SHA256 (RFC 7914, section 6) and
// the salsa20/8 core (section 3), BlockMix (section 4) and ROMix (section 5), on 32-bit little-endian words.

const TAG_BYTES = 16;
const utf8 = new TextEncoder();

function salsa20_8(b) {
  // b: Uint32Array(16), transformed in place. Plain locals keep V8 from allocating: a lock runs this 2^19 times.
  let x0 = b[0], x1 = b[1], x2 = b[2], x3 = b[3], x4 = b[4], x5 = b[5], x6 = b[6], x7 = b[7];
  let x8 = b[8], x9 = b[9], x10 = b[10], x11 = b[11], x12 = b[12], x13 = b[13], x14 = b[14], x15 = b[15];
  let u;
  for (let i = 0; i < 8; i += 2) {
    // columns
    u = (x0 + x12) | 0; x4 ^= (u << 7) | (u >>> 25); u = (x4 + x0) | 0; x8 ^= (u << 9) | (u >>> 23);
    u = (x8 + x4) | 0; x12 ^= (u << 13) | (u >>> 19); u = (x12 + x8) | 0; x0 ^= (u << 18) | (u >>> 14);
    u = (x5 + x1) | 0; x9 ^= (u << 7) | (u >>> 25); u = (x9 + x5) | 0; x13 ^= (u << 9) | (u >>> 23);
    u = (x13 + x9) | 0; x1 ^= (u << 13) | (u >>> 19); u = (x1 + x13) | 0; x5 ^= (u << 18) | (u >>> 14);
    u = (x10 + x6) | 0; x14 ^= (u << 7) | (u >>> 25); u = (x14 + x10) | 0; x2 ^= (u << 9) | (u >>> 23);
    u = (x2 + x14) | 0; x6 ^= (u << 13) | (u >>> 19); u = (x6 + x2) | 0; x10 ^= (u << 18) | (u >>> 14);
    u = (x15 + x11) | 0; x3 ^= (u << 7) | (u >>> 25); u = (x3 + x15) | 0; x7 ^= (u << 9) | (u >>> 23);
    u = (x7 + x3) | 0; x11 ^= (u << 13) | (u >>> 19); u = (x11 + x7) | 0; x15 ^= (u << 18) | (u >>> 14);
    // rows
    u = (x0 + x3) | 0; x1 ^= (u << 7) | (u >>> 25); u = (x1 + x0) | 0; x2 ^= (u << 9) | (u >>> 23);
    u = (x2 + x1) | 0; x3 ^= (u << 13) | (u >>> 19); u = (x3 + x2) | 0; x0 ^= (u << 18) | (u >>> 14);
    u = (x5 + x4) | 0; x6 ^= (u << 7) | (u >>> 25); u = (x6 + x5) | 0; x7 ^= (u << 9) | (u >>> 23);
    u = (x7 + x6) | 0; x4 ^= (u << 13) | (u >>> 19); u = (x4 + x7) | 0; x5 ^= (u << 18) | (u >>> 14);
    u = (x10 + x9) | 0; x11 ^= (u << 7) | (u >>> 25); u = (x11 + x10) | 0; x8 ^= (u << 9) | (u >>> 23);
    u = (x8 + x11) | 0; x9 ^= (u << 13) | (u >>> 19); u = (x9 + x8) | 0; x10 ^= (u << 18) | (u >>> 14);
    u = (x15 + x14) | 0; x12 ^= (u << 7) | (u >>> 25); u = (x12 + x15) | 0; x13 ^= (u << 9) | (u >>> 23);
    u = (x13 + x12) | 0; x14 ^= (u << 13) | (u >>> 19); u = (x14 + x13) | 0; x15 ^= (u << 18) | (u >>> 14);
  }
  b[0] += x0; b[1] += x1; b[2] += x2; b[3] += x3; b[4] += x4; b[5] += x5; b[6] += x6; b[7] += x7;
  b[8] += x8; b[9] += x9; b[10] += x10; b[11] += x11; b[12] += x12; b[13] += x13; b[14] += x14; b[15] += x15;
}

function blockMix(b, y, x, r) {
  // b: 2r 64-byte blocks (32r words) -> b; y (32r words) and x (16) are scratch. Output order: Y0, Y2, ..., Y1, Y3, ...
  x.set(b.subarray((2 * r - 1) * 16, 2 * r * 16));
  for (let i = 0; i < 2 * r; i++) {
    for (let k = 0; k < 16; k++) x[k] ^= b[i * 16 + k];
    salsa20_8(x);
    y.set(x, ((i & 1) * r + (i >> 1)) * 16);
  }
  b.set(y);
}

function roMix(block, n, r) {
  // block: 128r bytes as little-endian words, mixed in place with a table of n earlier states (memory-hard part).
  const words = 32 * r;
  const x = new Uint32Array(words);
  const y = new Uint32Array(words);
  const scratch = new Uint32Array(16);
  const v = new Uint32Array(words * n);
  for (let i = 0; i < words; i++) x[i] = block.getUint32(i * 4, true);
  for (let i = 0; i < n; i++) {
    v.set(x, i * words);
    blockMix(x, y, scratch, r);
  }
  for (let i = 0; i < n; i++) {
    const j = x[(2 * r - 1) * 16] & (n - 1);  // Integerify mod n; n is a power of two below 2^32
    for (let k = 0; k < words; k++) x[k] ^= v[j * words + k];
    blockMix(x, y, scratch, r);
  }
  for (let i = 0; i < words; i++) block.setUint32(i * 4, x[i], true);
}

async function pbkdf2(password, salt, bytes) {
  const key = await crypto.subtle.importKey("raw", password, "PBKDF2", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations: 1 }, key, bytes * 8);
  return new Uint8Array(bits);
}

async function scrypt(password, salt, n, r, p, length) {
  const b = await pbkdf2(password, salt, 128 * r * p);
  for (let i = 0; i < p; i++) roMix(new DataView(b.buffer, i * 128 * r, 128 * r), n, r);
  return pbkdf2(password, b, length);
}

async function sha256(bytes) {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
}

function concatBytes(a, b) {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

async function keystream(key, length) {
  const out = new Uint8Array(Math.ceil(length / 32) * 32);
  for (let i = 0; i * 32 < length; i++) {
    const counter = new Uint8Array(4);
    new DataView(counter.buffer).setUint32(0, i, false);
    out.set(await sha256(concatBytes(key, counter)), i * 32);
  }
  return out.subarray(0, length);
}

function fromBase64(text) {
  const raw = atob(text);
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}

class LockError extends Error {}

async function openLock(seal, quizId, questionId, slot, lock) {
  // The JSON payload of `lock`; throws LockError if it was not made for this quiz, question and slot.
  let raw;
  try {
    raw = fromBase64(lock);
  } catch (error) {
    throw new LockError("the lock is not base64 text");
  }
  const password = utf8.encode([quizId, questionId, slot].join("\x1f"));
  const key = await scrypt(password, fromBase64(seal.salt), seal.n, seal.r, seal.p, 32);
  const tag = raw.subarray(0, TAG_BYTES);
  const cipher = raw.subarray(TAG_BYTES);
  const hmacKey = await crypto.subtle.importKey("raw", key, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const expected = new Uint8Array(await crypto.subtle.sign("HMAC", hmacKey, cipher)).subarray(0, TAG_BYTES);
  if (!expected.every((byte, i) => byte === tag[i])) {
    throw new LockError("the lock does not open: the page was edited, or belongs to another quiz");
  }
  const stream = await keystream(key, cipher.length);
  const plain = cipher.map((byte, i) => byte ^ stream[i]);
  return JSON.parse(new TextDecoder().decode(plain));
}
