"""Where a worker is, from what their channel already tells: a phone number's calling code,
or the browser's region and time zone (the widget sends both), gives the currency prices
are shown in, so nobody has to be asked for a country they already gave. The budget's own
words ("50 dólares", "20 lucas") still win; US dollars when nothing tells."""

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


COUNTRY_CURRENCY = {
    "MX": "MXN", "AR": "ARS", "BR": "BRL", "CL": "CLP", "CO": "COP", "PE": "PEN",
    "VE": "VES", "BO": "BOB", "EC": "USD", "PY": "PYG", "UY": "UYU", "GT": "GTQ",
    "SV": "USD", "HN": "HNL", "NI": "NIO", "CR": "CRC", "PA": "USD", "DO": "DOP",
    "US": "USD", "ES": "EUR", "CA": "CAD", "GB": "GBP",
}  # fmt: skip
# IANA time zones of Latin America -> country (a browser's language is often just "es-419").
ZONE_COUNTRY = {
    "America/Santiago": "CL", "America/Punta_Arenas": "CL", "America/Bogota": "CO",
    "America/Lima": "PE", "America/Caracas": "VE", "America/La_Paz": "BO",
    "America/Guayaquil": "EC", "America/Asuncion": "PY", "America/Montevideo": "UY",
    "America/Guatemala": "GT", "America/El_Salvador": "SV", "America/Tegucigalpa": "HN",
    "America/Managua": "NI", "America/Costa_Rica": "CR", "America/Panama": "PA",
    "America/Santo_Domingo": "DO", "America/Sao_Paulo": "BR", "America/Mexico_City": "MX",
    "America/Monterrey": "MX", "America/Merida": "MX", "America/Cancun": "MX",
    "America/Tijuana": "MX", "America/Chihuahua": "MX", "America/Hermosillo": "MX",
    "America/Mazatlan": "MX", "America/Buenos_Aires": "AR", "Europe/Madrid": "ES",
}  # fmt: skip


def currency_of_place(locale: str | None, timezone: str | None) -> str | None:
    """The browser's time zone first (it says the country even when the language is only
    "es-419"), then the region of its language tag ("es-CL")."""
    zone = (timezone or "").strip()
    country = ZONE_COUNTRY.get(zone)
    if country is None and zone.startswith("America/Argentina/"):
        country = "AR"
    if country is None and locale:
        parts = str(locale).replace("_", "-").split("-")
        country = parts[1].upper() if len(parts) > 1 and len(parts[1]) == 2 else None
    return COUNTRY_CURRENCY.get(country or "")
