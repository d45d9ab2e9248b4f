"""Throwaway translation catalogues for tests: the real ones (locale/) are written by
translators and checked by tests/test_catalogues.py; the tests of the machinery (pages, mail,
switching) use these few strings instead, so that they pass whatever locale/ holds."""

import array
import struct
from pathlib import Path

HEADER = "Content-Type: text/plain; charset=UTF-8\nPlural-Forms: nplurals=2; plural=(n != 1);\n"

# A few of the portal's strings, as a translator would write them.
MESSAGES = {
    "fr": {
        "Skip to main content": "Aller au contenu principal",
        "Papers": "Documents",
        "Log in": "Se connecter",
        "Your profile": "Votre profil",
        "Creating alternative knowledge: localisation in practice": (
            "Créer un savoir alternatif : la localisation en pratique"
        ),
        "When:": "Quand :",
        "Dear %(name)s,": "Bonjour %(name)s,",
        "You are registered: {title}": "Vous êtes inscrit·e : {title}",
        "Your mail preferences:": "Vos préférences de courrier :",
        "Language": "Langue",
        "Available in:": "Disponible en :",
    },
    "es": {
        "Skip to main content": "Saltar al contenido principal",
        "Papers": "Documentos",
        "Log in": "Iniciar sesión",
        "Your profile": "Tu perfil",
        "Creating alternative knowledge: localisation in practice": (
            "Crear conocimiento alternativo: la localización en la práctica"
        ),
        "Language": "Idioma",
        "Available in:": "Disponible en:",
    },
    "ar": {
        "Skip to main content": "انتقل إلى المحتوى الرئيسي",
        "Papers": "الأوراق",
        "Log in": "تسجيل الدخول",
        "Your profile": "ملفك الشخصي",
        "Creating alternative knowledge: localisation in practice": (
            "إنتاج معرفة بديلة: التوطين في الممارسة"
        ),
        "Language": "اللغة",
        "Available in:": "متاح باللغات:",
    },
}


def write_mo(path: Path, messages: dict[str, str]) -> None:
    """A GNU .mo file of these messages (what msgfmt writes), without needing gettext."""
    catalogue = {"": HEADER, **messages}
    keys = sorted(catalogue)
    ids = strs = b""
    offsets = []
    for key in keys:
        key_bytes, value_bytes = key.encode(), catalogue[key].encode()
        offsets.append((len(ids), len(key_bytes), len(strs), len(value_bytes)))
        ids += key_bytes + b"\0"
        strs += value_bytes + b"\0"
    key_start = 7 * 4 + 16 * len(keys)
    value_start = key_start + len(ids)
    key_offsets, value_offsets = [], []
    for key_offset, key_length, value_offset, value_length in offsets:
        key_offsets += [key_length, key_offset + key_start]
        value_offsets += [value_length, value_offset + value_start]
    header = struct.pack("Iiiiiii", 0x950412DE, 0, len(keys), 7 * 4, 7 * 4 + len(keys) * 8, 0, 0)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(header + array.array("i", key_offsets + value_offsets).tobytes() + ids + strs)


def install(folder: Path) -> Path:
    """Writes MESSAGES under folder/<lang>/LC_MESSAGES/django.mo; returns folder."""
    for code, messages in MESSAGES.items():
        write_mo(folder / code / "LC_MESSAGES" / "django.mo", messages)
    return folder
