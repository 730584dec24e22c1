"""Locks: small JSON payloads encrypted under a key derived with scrypt, a slow, salted, memory-hard hash.

A sealed quiz stores one lock per option (is it correct, why, which misconception), one for the explanation and
one for a numeric answer. Opening a lock needs the quiz id, question id and option -- all public -- plus one scrypt
run, about 50 ms at the default cost. That is the whole protection: it keeps the key out of plain sight and makes
each look cost real time, but a student who runs the code on all k options of a question learns its key in k
looks. The per-quiz salt stops one table of looks from serving every quiz.

Only the standard library is used: hashlib.scrypt for the key, a SHA-256 counter keystream for the encryption,
and a truncated HMAC so that a lock edited by hand is reported instead of decoded into garbage.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any

DEFAULT_COST = 2**14
TAG_BYTES = 16


@dataclass(frozen=True)
class LockParams:
    salt: bytes
    n: int = DEFAULT_COST
    r: int = 8
    p: int = 1


class LockError(ValueError):
    """A lock that does not open: edited by hand, or sealed for another quiz or question."""


def _key(params: LockParams, quiz_id: str, question_id: str, slot: str) -> bytes:
    password = "\x1f".join((quiz_id, question_id, slot)).encode()
    maxmem = 256 * params.r * params.n + 2**20
    return hashlib.scrypt(password, salt=params.salt, n=params.n, r=params.r, p=params.p, maxmem=maxmem, dklen=32)


def _keystream(key: bytes, length: int) -> bytes:
    blocks = (hashlib.sha256(key + i.to_bytes(4, "big")).digest() for i in range((length + 31) // 32))
    return b"".join(blocks)[:length]


def lock_size(payload: Any) -> int:
    return len(_encode(payload))


def _encode(payload: Any) -> bytes:
    return json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()


def make_lock(params: LockParams, quiz_id: str, question_id: str, slot: str, payload: Any, pad_to: int = 0) -> str:
    """Encrypt `payload` (JSON-able) for (quiz, question, slot); return printable text.

    Padding every lock of a question to one size (`pad_to`) keeps a short lock from betraying the correct option,
    which usually has no "why this is wrong" feedback.
    """
    key = _key(params, quiz_id, question_id, slot)
    plain = _encode(payload)
    plain += b" " * max(0, pad_to - len(plain))  # JSON ignores trailing whitespace
    cipher = bytes(a ^ b for a, b in zip(plain, _keystream(key, len(plain)), strict=True))
    tag = hmac.new(key, cipher, hashlib.sha256).digest()[:TAG_BYTES]
    return base64.b64encode(tag + cipher).decode()


def open_lock(params: LockParams, quiz_id: str, question_id: str, slot: str, lock: str) -> Any:
    """The payload of `lock`; raise LockError if it was not made for this quiz, question and slot."""
    try:
        raw = base64.b64decode(lock.encode(), validate=True)
    except ValueError:
        raise LockError("the lock is not base64 text") from None
    key = _key(params, quiz_id, question_id, slot)
    tag, cipher = raw[:TAG_BYTES], raw[TAG_BYTES:]
    if not hmac.compare_digest(tag, hmac.new(key, cipher, hashlib.sha256).digest()[:TAG_BYTES]):
        raise LockError("the lock does not open: the file was edited after sealing, or belongs to another quiz")
    plain = bytes(a ^ b for a, b in zip(cipher, _keystream(key, len(cipher)), strict=True))
    return json.loads(plain.decode())
