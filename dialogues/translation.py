"""Content that organisers write in several languages (django-modeltranslation adds a column
per language; `dialogue.title` reads the viewer's language, else the English original)."""

from modeltranslation.translator import TranslationOptions, register

from .models import Dialogue, Series, Session


@register(Series)
class SeriesTranslation(TranslationOptions):
    fields = ("title", "description")


@register(Dialogue)
class DialogueTranslation(TranslationOptions):
    fields = ("title", "question", "description")


@register(Session)
class SessionTranslation(TranslationOptions):
    fields = ("title", "description")
