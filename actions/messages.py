"""Bot texts in Spanish and English, kept short and free of markdown WhatsApp can't render."""

TEXTS = {
    "welcome": {
        "es": "¡Hola! Soy Puente. Cuéntame qué trabajos o actividades has hecho, pagadas o no, "
        "y te ayudo a ponerle nombre a tus habilidades.",
        "en": "Hi! I'm Puente. Tell me about the jobs or activities you have done, paid or "
        "not, and I'll help you name your skills.",
    },
    "button_tell": {"es": "Contar mi experiencia", "en": "Tell my experience"},
    "skills_intro": {
        "es": "Esto es lo que encuentro en lo que me contaste:",
        "en": "Here is what I find in what you told me:",
    },
    "no_skills": {
        "es": "No encontré habilidades claras. ¿Me cuentas con más detalle qué hacías en un día?",
        "en": "I couldn't find clear skills. Could you tell me more about a normal day?",
    },
    "engine_failed": {
        "es": "Perdón, tuve un problema técnico al analizar tu experiencia. Intenta de nuevo "
        "en un momento, o escribe 'persona' para hablar con un orientador.",
        "en": "Sorry, I had a technical problem analysing your experience. Please try again "
        "in a moment, or type 'person' to talk to a counsellor.",
    },
    "rephrase": {
        "es": "Perdón, no entendí. ¿Me lo dices de otra forma?",
        "en": "Sorry, I didn't understand. Could you say it another way?",
    },
    "attribution": {
        "es": "(Clasificación ESCO de la Comisión Europea.) "
        "This service uses the ESCO classification of the European Commission.",
        "en": "This service uses the ESCO classification of the European Commission.",
    },
}


def say(key: str, lang: str) -> str:
    variants = TEXTS[key]
    return variants.get(lang) or variants["es"]
