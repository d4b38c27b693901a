"""Everything Puente says, in Spanish (Latin American) and English. Plain text only: no
markdown WhatsApp can't render; lists are numbered lines."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MAX_TEXT = 4096
# Bump when the privacy notice's meaning changes: each consent records the version answered.
NOTICE_VERSION = "2026-11-28"
MAX_BUTTONS = 3

T = {
    "welcome": {
        "es": "¡Hola! Soy Puente, tu asistente de orientación laboral. Te ayudo a ponerle "
        "nombre a lo que sabes hacer, a ver qué te falta para el trabajo que quieres y a "
        "armar un plan corto y barato de cursos con certificado.",
        "en": "Hi! I'm Puente, your career guidance assistant. I help you name what you can "
        "do, see what you need for the job you want, and build a short, affordable plan of "
        "certified courses.",
    },
    "privacy": {
        "es": "Antes de empezar: si aceptas, guardo lo que me cuentes (tus experiencias, "
        "habilidades y plan) para que puedas volver y para que un orientador te ayude. No lo "
        "comparto con nadie más y puedes pedir que lo borre cuando quieras (escribe 'borrar "
        "mis datos'). Si no aceptas, igual te ayudo, pero no guardo nada. ¿Aceptas?",
        "en": "Before we start: if you agree, I'll keep what you tell me (your experiences, "
        "skills and plan) so you can come back and a counsellor can help you. I don't share "
        "it with anyone else and you can ask me to delete it at any time (type 'delete my "
        "data'). If you don't agree, I'll still help, but I won't save anything. Do you agree?",
    },
    "btn_accept": {"es": "Acepto", "en": "I agree"},
    "btn_decline": {"es": "No, gracias", "en": "No, thanks"},
    "consent_yes": {
        "es": "¡Gracias! Guardaré tu avance.",
        "en": "Thank you! I'll save your progress.",
    },
    "consent_no": {
        "es": "Entendido: seguimos sin guardar nada. Si cierras la conversación, se pierde.",
        "en": "Understood: we'll go on without saving anything. If you leave, it is lost.",
    },
    "consent_again": {
        "es": "Primero necesito saber si aceptas que guarde tu información. ¿Aceptas?",
        "en": "First I need to know whether you agree that I keep your information. Agree?",
    },
    "ask_experience": {
        "es": "Cuéntame de un trabajo o actividad que hayas hecho, pagada o no (también "
        "cuidar a alguien, ayudar en un negocio familiar o hacer voluntariado): qué hacías, "
        "por cuánto tiempo y con qué herramientas.",
        "en": "Tell me about a job or activity you have done, paid or not (caring for "
        "someone, helping in a family business or volunteering count too): what you did, "
        "for how long and with which tools.",
    },
    "ask_tasks": {
        "es": "¿Y qué tareas hacías en un día normal? ¿Usabas alguna herramienta, máquina, "
        "celular o computadora?",
        "en": "And what did you do on a normal day? Did you use any tools, machines, a phone "
        "or a computer?",
    },
    "noted": {
        "es": "Anotado. En esto veo, por ejemplo: {examples}.",
        "en": "Noted. In this I see, for example: {examples}.",
    },
    "noted_nothing": {
        "es": "Lo anoté, pero no encontré habilidades claras. ¿Me das más detalles de las "
        "tareas que hacías?",
        "en": "I noted it, but I couldn't find clear skills. Could you give me more detail "
        "about your tasks?",
    },
    "already_told": {
        "es": "Eso ya me lo habías contado, no lo anoto dos veces.",
        "en": "You already told me that; I won't record it twice.",
    },
    "anything_else": {
        "es": "¿Hiciste algún otro trabajo o actividad?",
        "en": "Have you done any other job or activity?",
    },
    "btn_more": {"es": "Sí, otro", "en": "Yes, another"},
    "btn_done": {"es": "No, es todo", "en": "No, that's all"},
    "need_experience": {
        "es": "Para ayudarte necesito al menos una experiencia. ",
        "en": "To help you I need at least one experience. ",
    },
    "review_intro": {
        "es": "Estas son las habilidades que encontré en lo que me contaste:",
        "en": "These are the skills I found in what you told me:",
    },
    "kind_transversal": {"es": "Habilidades transversales", "en": "Transversal skills"},
    "kind_digital": {"es": "Habilidades digitales", "en": "Digital skills"},
    "kind_specific": {"es": "Propias del oficio", "en": "Job-specific skills"},
    "review_ask": {
        "es": "¿Están bien? Si alguna no es tuya, escribe su número (por ejemplo 'quita la "
        "2'). También puedes decirme tu nivel: 'la 3 la manejo avanzado'.",
        "en": "Are these right? If one isn't yours, type its number (e.g. 'remove 2'). You "
        "can also tell me your level: 'number 3, advanced'.",
    },
    "btn_all_ok": {"es": "Están bien", "en": "They're right"},
    "btn_add_job": {"es": "Agregar otro trabajo", "en": "Add another job"},
    "removed": {"es": "Quité: {labels}.", "en": "Removed: {labels}."},
    "level_basic": {"es": "básico", "en": "basic"},
    "level_intermediate": {"es": "intermedio", "en": "intermediate"},
    "level_advanced": {"es": "avanzado", "en": "advanced"},
    "rated": {
        "es": "Anoté tu nivel {level} en: {label}.",
        "en": "Noted your {level} level in: {label}.",
    },
    "which_number": {
        "es": "¿Cuál? Escribe el número de la lista.",
        "en": "Which one? Type its number from the list.",
    },
    "ask_goal": {
        "es": "¿Qué trabajo te gustaría conseguir? Escríbelo con tus palabras, o te sugiero "
        "trabajos cercanos a lo que ya sabes hacer.",
        "en": "What job would you like to get? Write it in your own words, or I can suggest "
        "jobs close to what you already do.",
    },
    "btn_close_jobs": {"es": "Sugiéreme trabajos", "en": "Suggest jobs"},
    "goal_options": {
        "es": "Encontré estas ocupaciones. ¿Cuál se parece más a lo que buscas?",
        "en": "I found these occupations. Which one is closest to what you want?",
    },
    "goal_best": {
        "es": "Creo que es: 1. {label}. ¿Es ese? Si no, elige otro o escríbelo con otras palabras.",
        "en": "I think it is: 1. {label}. Is that it? If not, pick another or put it another way.",
    },
    "goal_others": {"es": "También podría ser:", "en": "It could also be:"},
    "goal_meant": {
        "es": "¿O quisiste decir otra cosa? Escríbelo con otras palabras (qué harías, dónde) o "
        "responde «ninguna».",
        "en": "Or did you mean something else? Put it another way (what you would do, where) "
        "or answer 'none'.",
    },
    "goal_again": {
        "es": "Está bien, ninguna de esas. Cuéntame el trabajo con otras palabras (por ejemplo, "
        "qué harías o dónde), o te sugiero trabajos cercanos a lo que ya sabes hacer.",
        "en": "All right, none of those. Tell me about the job another way (for example, what "
        "you would do or where), or I can suggest jobs close to what you already do.",
    },
    "close_options": {
        "es": "Trabajos cercanos a tu perfil (porcentaje de sus habilidades esenciales que ya "
        "tienes):",
        "en": "Jobs close to your profile (share of their essential skills you already have):",
    },
    "no_goal_found": {
        "es": "No encontré esa ocupación. ¿Me la describes de otra forma?",
        "en": "I couldn't find that occupation. Could you describe it another way?",
    },
    "goal_set": {"es": "Meta: {label}.", "en": "Goal: {label}."},
    "confirm_ask": {
        "es": "Para {label} se necesita, entre otras cosas:\n{items}\n¿Ya hiciste alguna de "
        "estas? Responde con los números (por ejemplo «1 y 3»), «todas» o «ninguna».",
        "en": "To work as {label} you need, among other things:\n{items}\nHave you done any "
        "of these? Answer with the numbers (e.g. '1 and 3'), 'all' or 'none'.",
    },
    "confirm_noted": {
        "es": "Anotado como habilidad tuya (lo dijiste tú): {labels}.",
        "en": "Noted as yours (in your own words): {labels}.",
    },
    "confirm_none": {
        "es": "Está bien: lo tendré en cuenta en el plan.",
        "en": "All right: the plan will take it into account.",
    },
    "btn_none": {"es": "Ninguna", "en": "None"},
    "btn_all": {"es": "Todas", "en": "All of them"},
    "ask_budget": {
        "es": "¿Cuánto dinero podrías gastar en cursos en total? (puede ser 0; dime la "
        "moneda, por ejemplo '50 dólares' o '200 soles')",
        "en": "How much money could you spend on courses in total? (0 is fine; tell me the "
        "currency, e.g. '50 dollars')",
    },
    "ask_hours": {
        "es": "¿Cuántas horas por semana puedes estudiar, y durante cuántas semanas o meses?",
        "en": "How many hours a week can you study, and for how many weeks or months?",
    },
    "ask_mode": {
        "es": "¿Prefieres cursos en línea, presenciales o te da igual?",
        "en": "Do you prefer online courses, in person, or either?",
    },
    "btn_online": {"es": "En línea", "en": "Online"},
    "btn_onsite": {"es": "Presencial", "en": "In person"},
    "btn_any": {"es": "Me da igual", "en": "Either"},
    "noted_constraint": {"es": "Anotado: {what}.", "en": "Noted: {what}."},
    # a course's or the worker's mode, as said back
    "mode_online": {"es": "en línea", "en": "online"},
    "mode_onsite": {"es": "presencial", "en": "in person"},
    "mode_blended": {"es": "semipresencial", "en": "blended"},
    "mode_any": {"es": "en línea o presencial", "en": "online or in person"},
    "gaps_intro": {
        "es": "Para {label} ya tienes {covered} de {total} habilidades esenciales. Lo que "
        "más te conviene reforzar:",
        "en": "For {label} you already have {covered} of {total} essential skills. What is "
        "most worth strengthening:",
    },
    "plan_intro": {
        "es": "Tu plan ({n} cursos, {cost}, {hours} h en unas {weeks} semanas):",
        "en": "Your plan ({n} courses, {cost}, {hours} h over about {weeks} weeks):",
    },
    "plan_empty": {
        "es": "No encontré cursos que cubran lo que te falta con ese presupuesto y tiempo. "
        "Puedes cambiar el presupuesto, las horas o la modalidad.",
        "en": "I couldn't find courses that cover your gaps within that budget and time. You "
        "can change the budget, the hours or the mode.",
    },
    "plan_ask": {
        "es": "¿Te sirve este plan? Puedes pedir detalles de un curso ('detalles del 1') o "
        "preguntar por qué.",
        "en": "Does this plan work for you? You can ask for details of a course ('details "
        "of 1') or ask why.",
    },
    "btn_plan_ok": {"es": "Me sirve", "en": "Looks good"},
    "btn_change_goal": {"es": "Cambiar meta", "en": "Change goal"},
    "wrap_up": {
        "es": "¡Listo! Resumen: {skills} habilidades en tu perfil, meta {goal}, plan de {n} "
        "cursos por {cost}.",
        "en": "Done! Summary: {skills} skills in your profile, goal {goal}, a plan of {n} "
        "courses for {cost}.",
    },
    "wrap_code": {
        "es": "Tu código para volver: {code}. Tu resumen para imprimir (también en PDF y "
        "JSON): {link}",
        "en": "Your code to come back: {code}. Your printable summary (also as PDF and JSON): "
        "{link}",
    },
    "wrap_unsaved": {
        "es": "Como no guardamos tus datos, copia esta información si la quieres conservar.",
        "en": "Since we didn't save your data, copy this information if you want to keep it.",
    },
    "after_wrap": {
        "es": "¿Algo más? Puedes cambiar tu meta, agregar una experiencia o pedir detalles.",
        "en": "Anything else? You can change your goal, add an experience or ask for details.",
    },
    "why_plan": {
        "es": "Elegí los cursos que cubren más de lo que más te falta (primero las "
        "habilidades transversales y digitales) sin pasar tu presupuesto ni tu tiempo, "
        "prefiriendo los que tienen calidad asegurada, aval de empleadores y que suman a un "
        "certificado mayor. Nunca pongo dos cursos que enseñen lo mismo. {qa}",
        "en": "I chose the courses that cover most of what you most need (transversal "
        "and digital skills first) within your budget and time, preferring quality-assured, "
        "employer-endorsed courses that stack into a larger credential. I never include two "
        "courses that teach the same thing. {qa}",
    },
    "why_offer": {"es": "Curso {n}: {reason}", "en": "Course {n}: {reason}"},
    "plan_qa": {
        "es": "De tus {n} cursos, {qa} tienen calidad asegurada por un organismo externo; los "
        "demás no (lo dice cada uno).",
        "en": "Of your {n} courses, {qa} are quality-assured by an external body; the others "
        "are not (each one says so).",
    },
    "why_skills": {
        "es": "Cada habilidad viene de tus propias palabras: te muestro la frase de la que "
        "salió. Uso la clasificación europea ESCO para nombrarlas.",
        "en": "Each skill comes from your own words: I show the sentence it came from. I use "
        "the European ESCO classification to name them.",
    },
    "why_gaps": {
        "es": "Lo que te falta son habilidades que el trabajo pide (según ESCO) y que no aparecen "
        "en tu perfil ni en habilidades equivalentes.",
        "en": "Gaps are skills the job asks for (according to ESCO) that your profile does not "
        "show, directly or through an equivalent skill.",
    },
    "details": {
        "es": "{title}\n{provider} · {mode} · {languages}\nCosto: {cost} · {hours} h\n"
        "Aprenderás: {outcomes}\nCalidad: {qa}\nCertificado: {credential}\n{url}",
        "en": "{title}\n{provider} · {mode} · {languages}\nCost: {cost} · {hours} h\n"
        "You will learn: {outcomes}\nQuality: {qa}\nCredential: {credential}\n{url}",
    },
    "no_plan_yet": {
        "es": "Todavía no tenemos un plan; cuando lo tengamos te doy los detalles.",
        "en": "We don't have a plan yet; once we do I'll give you the details.",
    },
    "help": {
        "es": "Te hago preguntas sobre tus trabajos, te muestro tus habilidades, busco tu "
        "trabajo meta y te propongo cursos. En cualquier momento puedes decir: 'por qué', "
        "'cambiar meta', 'agregar experiencia', 'in English', 'empezar de nuevo', 'hablar "
        "con una persona' o 'borrar mis datos'.",
        "en": "I ask about your jobs, show your skills, find your target job and propose "
        "courses. At any time you can say: 'why', 'change goal', 'add experience', 'en "
        "español', 'start over', 'talk to a person' or 'delete my data'.",
    },
    "handoff": {
        "es": "Te pongo en contacto con una persona del equipo de orientación: {contact}. Le "
        "dejé una nota con tu avance. Mientras tanto, puedes seguir aquí cuando quieras.",
        "en": "I'm putting you in touch with someone from the guidance team: {contact}. I left "
        "them a note with your progress. Meanwhile, you can carry on here whenever you like.",
    },
    "handoff_unsaved": {
        "es": "Como no aceptaste guardar datos, la persona no verá esta conversación.",
        "en": "Since you didn't agree to saving data, they won't see this conversation.",
    },
    "confirm_delete": {
        "es": "¿Seguro que quieres que borre todos tus datos? Se borraría: {what}. No se puede "
        "deshacer. "
        "(Si solo querías quitar una habilidad de la lista, escribe «quita la» y su número.)",
        "en": "Are you sure you want me to delete all your data? This would erase: {what}. "
        "It can't be undone. "
        '(If you only meant to remove one skill from the list, type "remove" and its number.)',
    },
    "delete_what": {
        "es": "tu conversación guardada, {experiences} experiencias, {skills} habilidades, "
        "tu meta ({goal}) y {plans} planes",
        "en": "your saved conversation, {experiences} experiences, {skills} skills, your "
        "goal ({goal}) and {plans} plans",
    },
    "btn_delete": {"es": "Sí, borrar todo", "en": "Yes, delete all"},
    "default_contact": {"es": "tu oficina de empleo", "en": "your local employment office"},
    "btn_keep": {"es": "No, conservar", "en": "No, keep"},
    "deleted": {
        "es": "Listo, borré todos tus datos. Si quieres empezar de nuevo, escríbeme.",
        "en": "Done, I deleted all your data. If you want to start again, just write.",
    },
    "deleted_counts": {
        "es": "Borrado: {conversation} registro de conversación, {profile_versions} versiones "
        "de tu perfil, {plans} planes, {handoffs} pedidos de atención y {rasa_events} "
        "mensajes del historial del chat (y los de este último intercambio).",
        "en": "Erased: {conversation} conversation record, {profile_versions} versions of "
        "your profile, {plans} plans, {handoffs} requests for a person and {rasa_events} "
        "chat history messages (and those of this last exchange).",
    },
    "my_data_session": {
        "es": "En esta conversación tengo: {experiences} experiencias que me contaste, "
        "{skills} habilidades en tu perfil y tu meta: {goal}.",
        "en": "In this conversation I have: {experiences} experiences you told me, "
        "{skills} skills in your profile and your goal: {goal}.",
    },
    "my_data_anonymous": {
        "es": "No guardo nada de ti: elegiste no dar tu permiso, así que lo que me cuentas "
        "solo vive en esta conversación y se pierde al cerrarla.",
        "en": "I store nothing about you: you chose not to give permission, so what you tell "
        "me only lives in this conversation and is gone when it closes.",
    },
    "my_data_stored": {
        "es": "Guardado con tu permiso: tu conversación, {versions} versiones de tu perfil, "
        "{plans} planes, {handoffs} pedidos de atención y {events} eventos del chat. "
        "Todo, en un archivo JSON: {link}\nSi quieres que lo borre, dime «borra mis datos».",
        "en": "Stored with your permission: your conversation, {versions} versions of your "
        "profile, {plans} plans, {handoffs} requests for a person and {events} chat events. "
        "All of it, as a JSON file: {link}\nIf you want me to delete it, say "
        '"delete my data".',
    },
    "kept": {"es": "Perfecto, no borré nada.", "en": "Fine, I didn't delete anything."},
    "restart": {"es": "Empezamos de nuevo.", "en": "Let's start again."},
    "resumed": {
        "es": "¡Qué bueno verte de nuevo! Seguimos donde quedamos.",
        "en": "Good to see you again! Let's carry on where we left off.",
    },
    "bad_code": {
        "es": "No encontré ese código. Revisa que esté bien escrito: son 12 letras y números, "
        "como ABCD-EFGH-JK23.",
        "en": "I couldn't find that code. Check it is typed right: 12 letters and digits, "
        "like ABCD-EFGH-JK23.",
    },
    "code_locked": {
        "es": "Hubo demasiados intentos con códigos que no existen, así que por seguridad no "
        "pruebo más por ahora. Espera {minutes} minutos y vuelve a intentarlo, o pide ayuda a "
        "tu oficina de empleo.",
        "en": "There were too many tries with codes that don't exist, so for safety I won't "
        "try more for now. Wait {minutes} minutes and try again, or ask your employment "
        "office for help.",
    },
    "code_same": {
        "es": "Ese código ya es el de esta conversación: seguimos aquí.",
        "en": "That code already belongs to this conversation: let's carry on here.",
    },
    "confirm_move": {
        "es": "Encontré una conversación guardada con ese código (meta: {goal}; {skills} "
        "habilidades). ¿La sigo en este dispositivo? El otro dispositivo dejará de tenerla, "
        "y lo que hay en este chat se reemplaza.",
        "en": "I found a saved conversation with that code (goal: {goal}; {skills} skills). "
        "Shall I continue it on this device? The other device will no longer have it, and "
        "what is in this chat is replaced.",
    },
    "btn_move": {"es": "Sí, seguir aquí", "en": "Yes, continue here"},
    "btn_stay": {"es": "No", "en": "No"},
    "move_cancelled": {
        "es": "Listo, no moví nada.",
        "en": "Fine, I didn't move anything.",
    },
    "moved_away": {
        "es": "Tu conversación con Puente continúa ahora en otro dispositivo (alguien usó tu "
        "código y lo confirmó). Si no fuiste tú, escribe a tu oficina de empleo.\n\n"
        "Your Puente conversation now continues on another device (someone used your code "
        "and confirmed). If it wasn't you, contact your employment office.",
    },
    "links_revoked": {
        "es": "Listo: desactivé {n} enlaces a tu resumen y a tus datos. Nadie puede abrirlos "
        "ya. Si más adelante necesitas uno nuevo, te lo doy al final del plan.",
        "en": "Done: I switched off {n} links to your summary and your data. Nobody can open "
        "them now. If you need a new one later, I'll give it to you at the end of the plan.",
    },
    "no_links": {
        "es": "No hay enlaces que desactivar: no guardo nada de esta conversación.",
        "en": "There are no links to switch off: I store nothing from this conversation.",
    },
    "language_set": {"es": "Listo, seguimos en español.", "en": "Sure, let's continue in English."},
    "thanks": {"es": "¡Con gusto!", "en": "You're welcome!"},
    "goodbye": {
        "es": "¡Gracias por conversar! Vuelve cuando quieras.",
        "en": "Thanks for talking with me! Come back any time.",
    },
    "goodbye_code": {
        "es": " Tu código para volver es {code}.",
        "en": " Your code to come back is {code}.",
    },
    "rephrase": {
        "es": "Perdón, no te entendí. ¿Me lo dices de otra forma?",
        "en": "Sorry, I didn't understand. Could you say it another way?",
    },
    "offer_person": {
        "es": "Parece que no te estoy entendiendo. ¿Quieres hablar con una persona?",
        "en": "It seems I'm not understanding you. Would you like to talk to a person?",
    },
    "btn_person": {"es": "Hablar con alguien", "en": "Talk to someone"},
    "btn_keep_trying": {"es": "Seguir aquí", "en": "Keep going here"},
    "technical": {
        "es": "Perdón, tuve un problema técnico. Intenta de nuevo en un momento, o escribe "
        "'hablar con una persona'.",
        "en": "Sorry, I had a technical problem. Please try again in a moment, or type "
        "'talk to a person'.",
    },
    "attribution": {
        "es": "Habilidades y ocupaciones: clasificación ESCO de la Comisión Europea.",
        "en": "This service uses the ESCO classification of the European Commission.",
    },
}


# Plural nouns the texts put after a number, and their singular: "1 semanas" reads wrong.
SINGULAR = {
    "semanas": "semana", "versiones": "versión", "cursos": "curso", "planes": "plan",
    "habilidades": "habilidad", "eventos": "evento", "experiencias": "experiencia",
    "enlaces": "enlace", "pedidos": "pedido", "registros": "registro", "horas": "hora",
    "weeks": "week", "versions": "version", "courses": "course", "plans": "plan",
    "skills": "skill", "events": "event", "experiences": "experience", "links": "link",
    "requests": "request", "records": "record", "hours": "hour",
}  # fmt: skip
ONE_NOUN = re.compile(r"\b(?:(unas|about) )?1 (" + "|".join(SINGULAR) + r")\b")


def singular_after_one(text: str) -> str:
    """ "en unas 1 semanas" -> "en 1 semana", "1 versions" -> "1 version"."""
    return ONE_NOUN.sub(lambda m: "1 " + SINGULAR[m.group(2)], text)


def say(key: str, lang: str, **values) -> str:
    variants = T[key]
    text = variants.get(lang) or variants["es"]
    return singular_after_one(text.format(**values)) if values else text


@dataclass
class Message:
    """One bot message, channel-neutral: the action and the connectors render it."""

    text: str = ""
    buttons: list[dict] = field(default_factory=list)  # {"title", "payload"}, at most 3
    image: str | None = None
    forget: bool = False  # the widget erases its stored copy of the conversation

    def __post_init__(self) -> None:
        if len(self.text) > MAX_TEXT:
            self.text = self.text[: MAX_TEXT - 1] + "…"
        self.buttons = self.buttons[:MAX_BUTTONS]

    def as_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v}


def button(title_key: str, payload: str, lang: str) -> dict:
    return {"title": say(title_key, lang), "payload": payload}  # each <= 20: see the tests


# The phases in a counsellor's words (the console's and the reason a case gives).
PHASE_WORDS = {
    "welcome": "bienvenida",
    "consent": "aviso de privacidad",
    "experiences": "contando sus trabajos",
    "skills_review": "revisando sus habilidades",
    "goal": "eligiendo una meta",
    "constraints": "dinero y tiempo",
    "plan": "plan de cursos",
    "wrap_up": "cierre",
    "handoff": "con una persona",
}
