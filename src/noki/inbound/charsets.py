"""Decode Japanese mail bytes as they really arrive (mislabelled Shift_JIS, ISO-2022-JP extras)."""

from __future__ import annotations

import codecs

# Japanese mailers label CP932 text as Shift_JIS and use NEC/IBM extensions (①, ㈱, ～) in
# ISO-2022-JP: decode with the superset so those characters survive.
_SUPERSET = {
    "shift_jis": "cp932", "shift-jis": "cp932", "sjis": "cp932", "x-sjis": "cp932",
    "windows-31j": "cp932", "ms932": "cp932", "csshiftjis": "cp932",
    "iso-2022-jp": "iso2022_jp_ext", "csiso2022jp": "iso2022_jp_ext",
    "euc-jp": "euc_jis_2004", "x-euc-jp": "euc_jis_2004",
    "us-ascii": "utf-8", "ascii": "utf-8",
}
_FALLBACKS = ("utf-8", "cp932", "iso2022_jp_2", "euc_jis_2004")


def codec_for(label: str | None) -> str | None:
    """The Python codec to use for a MIME charset label, or None when Python does not know it."""
    if not label:
        return None
    name = _SUPERSET.get(label.strip().strip('"').lower(), label.strip().strip('"').lower())
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_bytes(data: bytes, label: str | None) -> tuple[str, str | None]:
    """(text, problem): decode with the labelled charset, else the Japanese fallbacks.

    problem is None when the text decoded cleanly, else what went wrong (kept as a defect).
    """
    codec = codec_for(label)
    tried: list[str] = []
    for name in ([codec] if codec else []) + [c for c in _FALLBACKS if c != codec]:
        tried.append(name)
        try:
            text = data.decode(name)
        except (UnicodeDecodeError, LookupError):
            if name == "iso2022_jp_ext":  # some ISO-2022-JP carries JIS X 0212/0213: try _2/_3
                for alt in ("iso2022_jp_2", "iso2022_jp_3"):
                    try:
                        return data.decode(alt), None
                    except UnicodeDecodeError:
                        continue
            continue
        if codec is None and label:
            return text, f"unknown charset {label!r}, decoded as {name}"
        if name != codec and codec is not None:
            return text, f"charset {label!r} did not decode, decoded as {name}"
        return text, None
    return data.decode(codec or "utf-8", errors="replace"), (
        f"undecodable text (charset {label!r}; tried {', '.join(tried)})")
