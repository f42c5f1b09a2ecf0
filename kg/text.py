"""Text normalisation: a chain of small pure `str -> str` functions, applied once at ingest.

The chain is split in two so the document keeps its own spelling aligned with the
simplified text: `PRE_SCRIPT` runs first (width, whitespace, composition, pinyin glosses), then
`to_simplified` maps traditional to simplified script character by character length-preserving.
The order makes one pass enough (`run(run(t)) == run(t)`): width folding and the removal of
invisible characters can put a combining mark next to a letter, so `nfc` comes after them, and
`nfc` can compose a tone mark, so the pinyin glosses go last.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_WIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_WIDTH[0x3000] = 0x20


def _char_class(codepoints) -> re.Pattern:
    """One regex character class of these code points, as ranges."""
    cps, parts, i = sorted(codepoints), [], 0
    while i < len(cps):
        j = i
        while j + 1 < len(cps) and cps[j + 1] == cps[j] + 1:
            j += 1
        parts.append(re.escape(chr(cps[i])) + ("" if i == j else "-" + re.escape(chr(cps[j]))))
        i = j + 1
    return re.compile(f"[{''.join(parts)}]")


def _translate(text: str, rx: re.Pattern, table: dict) -> str:
    """`text.translate(table)` for a table of single characters: the characters present are
    found with one regex scan and replaced with `str.replace` (25x faster than `translate`, which
    looks up every character of a CJK text in the dict)."""
    for ch in set(rx.findall(text)):
        text = text.replace(ch, table[ch])
    return text


@lru_cache(maxsize=1)
def _width_table() -> tuple[re.Pattern, dict]:
    return _char_class(_WIDTH), {chr(k): chr(v) for k, v in _WIDTH.items()}


def fold_width(text: str) -> str:
    """Full-width ASCII forms and the ideographic space to their half-width forms."""
    return _translate(text, *_width_table())


# Characters with no visible form that scraped pages and broken converters leave in text:
# C0/C1 controls (tab, line ends and the two page-break spaces are handled as whitespace),
# format characters (zero-width, soft hyphen, bidi controls, BOM, tags) and variation selectors.
_INVISIBLE = dict.fromkeys(
    [*range(0x00, 0x09), *range(0x0E, 0x20), *range(0x7F, 0x85), *range(0x86, 0xA0),
     0x00AD, 0x061C, 0x180E, *range(0x200B, 0x2010), *range(0x202A, 0x202F), *range(0x2060, 0x2070),
     0xFEFF, *range(0xFFF9, 0xFFFC), *range(0xFE00, 0xFE10), *range(0xE0000, 0xE0080), *range(0xE0100, 0xE01F0)],
    None)


@lru_cache(maxsize=1)
def _invisible_table() -> tuple[re.Pattern, dict]:
    return _char_class(_INVISIBLE), dict.fromkeys(map(chr, _INVISIBLE), "")


_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\f\v]+")
_EOL_SPACE = re.compile(r" *\n *")


def normalize_whitespace(text: str) -> str:
    """Unix newlines, no control or invisible characters, one space for any run of spaces, no
    trailing spaces."""
    text = text.replace("\r\n", "\n")
    for eol in "\r\x85\u2028\u2029":
        text = text.replace(eol, "\n")
    text = _translate(text, *_invisible_table())
    text = _SPACES.sub(" ", text)
    return _EOL_SPACE.sub("\n", text).strip(" ")


_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
# A pinyin syllable with a tone mark, in parentheses, glued right after a CJK character:
# the residue of converters that annotate characters (`區(qū)`). Real parentheses hold Chinese
# or ASCII words without tone marks, so `禾润达(兰州)` and `(BIO)` are untouched.
# A run of glosses goes at once, so that one pass is enough (`區(qū)(qū)`).
# (The pattern opens with the literal `(` and looks behind it for the CJK character, so that the
# regex engine can skip to each `(`: 10x faster than opening with the lookbehind.)
_GLOSS = rf"\((?=[a-zü{_TONED}]{{1,7}}\))[a-zü]*[{_TONED}][a-zü{_TONED}]*\)"
_PINYIN_GLOSS = re.compile(rf"\((?<=[\u3400-\u9fff]\()(?=[a-zü{_TONED}]{{1,7}}\))[a-zü]*[{_TONED}][a-zü{_TONED}]*\)(?:{_GLOSS})*")


def strip_pinyin_glosses(text: str) -> str:
    """`蘭州新區(qū)` -> `蘭州新區`; leaves parentheses that are not tone-marked pinyin alone."""
    return _PINYIN_GLOSS.sub("", text)


def nfc(text: str) -> str:
    """Canonical composition, so that `ü` and `ü` compare equal."""
    return unicodedata.normalize("NFC", text)


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional to simplified script with OpenCC, keeping the length (one char -> one char).

    Phrase-level conversions that change the length are redone character by character so that
    offsets into the simplified text are offsets into the original too.
    """
    cc = _t2s()
    out = cc.convert(text)
    if len(out) == len(text):
        return out
    chars = []
    for ch in text:
        conv = cc.convert(ch)
        chars.append(conv if len(conv) == 1 else ch)
    return "".join(chars)


PRE_SCRIPT = (fold_width, normalize_whitespace, nfc, strip_pinyin_glosses)
CHAIN = PRE_SCRIPT + (to_simplified,)


def run(text: str, chain=CHAIN) -> str:
    for fn in chain:
        text = fn(text)
    return text


def normalize(text: str) -> tuple[str, str]:
    """Return (simplified normalised text, same text in its original script), equal lengths."""
    original = run(text, PRE_SCRIPT)
    return to_simplified(original), original


@lru_cache(maxsize=262144)
def fold_name(name: str) -> str:
    """Key for comparing names: simplified, half-width, no whitespace or quotation marks."""
    name = to_simplified(fold_width(nfc(name)))
    return re.sub(r"[\s\"'“”‘’「」『』《》〈〉]", "", name)
