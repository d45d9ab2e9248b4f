"""Curated mailings in several languages (django-modeltranslation adds a column per language):
each recipient gets the subject and text in their language, else the English original."""

from modeltranslation.translator import TranslationOptions, register

from .models import Mailing


@register(Mailing)
class MailingTranslation(TranslationOptions):
    fields = ("subject", "body")
