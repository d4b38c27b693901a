"""How a skill or job name is printed for a reader: in their language, and marked when the
taxonomy has no label in it (an English fallback is never shown silently)."""

from __future__ import annotations

# Portuguese has no ESCO release imported yet, so a Portuguese reader sees English labels,
# each marked short; docs/taxonomy.md says so.
FALLBACK_MARK = {"es": " (en inglés)", "pt": " [EN]"}


def shown(item, language: str) -> str:
    """`item` is a {uri, label, label_language?, label_en?} dict or an object with those."""

    def get(key: str):
        return item.get(key) if isinstance(item, dict) else getattr(item, key, None)

    label = str(get("label") or get("label_en") or get("uri") or "?").strip()
    used = get("label_language") or "en"
    if used != language and language != "en":
        return label + FALLBACK_MARK.get(language, " [EN]")
    return label


def inclusive(label: str) -> str:
    """ESCO's Spanish 'supervisor de tienda/supervisora de tienda' as a counsellor writes it,
    'supervisor/a de tienda'; 'cajero/cajera' -> 'cajero/a'; 'actor/actriz' stays two words.
    Labels that are not a masculine/feminine pair are returned as they are."""
    parts = label.split("/")
    if len(parts) != 2:
        return label
    first, second = parts[0].split(), parts[1].split()
    if len(first) == 1 and len(second) > 1:  # "comprador/compradora de café verde"
        first = first + second[1:]
    if len(first) != len(second) or not first:
        return label
    words = []
    for a, b in zip(first, second, strict=True):
        if a == b:
            words.append(a)
        elif b == a + "a" or (a[-1:] in ("o", "e") and b == a[:-1] + "a"):
            words.append(a + "/a")
        else:
            words.append(f"{a}/{b}")
    return " ".join(words)
