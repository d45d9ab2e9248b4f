"""Papers' and recordings' titles and abstracts in several languages (django-modeltranslation).
The columns are on the shared content, so publishing copies them into each version."""

from modeltranslation.translator import TranslationOptions, register

from .models import Paper, PaperContent, PaperVersion, Recording, RecordingContent, RecordingVersion


@register(PaperContent)
class PaperContentTranslation(TranslationOptions):
    fields = ("title", "abstract")


@register([Paper, PaperVersion])
class PaperTranslation(TranslationOptions):
    fields = ()


@register(RecordingContent)
class RecordingContentTranslation(TranslationOptions):
    fields = ("title",)


@register([Recording, RecordingVersion])
class RecordingTranslation(TranslationOptions):
    fields = ()
