"""Where a worker is, from what their channel already tells: a phone number's calling code
gives the currency prices are shown in, so nobody has to be asked for a country they
already gave (the widget and REST clients say nothing of it: there the budget's own words,
"50 dólares", "20 lucas", decide, and US dollars otherwise)."""

from __future__ import annotations

# Calling codes of Latin America (and a few others Puente's deployments meet) -> currency.
# Longest prefixes first where codes share digits (+593 before +59x).
CALLING_CODES = {
    "+52": "MXN", "+54": "ARS", "+55": "BRL", "+56": "CLP", "+57": "COP", "+51": "PEN",
    "+58": "VES", "+591": "BOB", "+593": "USD", "+595": "PYG", "+598": "UYU",
    "+502": "GTQ", "+503": "USD", "+504": "HNL", "+505": "NIO", "+506": "CRC", "+507": "USD",
    "+1809": "DOP", "+1829": "DOP", "+1849": "DOP", "+1": "USD", "+34": "EUR",
}  # fmt: skip


def phone_of(conversation_id: str) -> str | None:
    """The number in a WhatsApp or Twilio conversation id ("whatsapp:+57300...")."""
    for prefix in ("whatsapp:", "twilio:whatsapp:", "twilio:"):
        if conversation_id.startswith(prefix):
            number = conversation_id[len(prefix) :]
            return number if number.startswith("+") else None
    return None


def currency_of(conversation_id: str) -> str | None:
    number = phone_of(conversation_id)
    if not number:
        return None
    for code in sorted(CALLING_CODES, key=len, reverse=True):
        if number.startswith(code):
            return CALLING_CODES[code]
    return None
