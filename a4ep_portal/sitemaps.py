from django.contrib.sitemaps import Sitemap


class MultilingualSitemap(Sitemap):
    """Every page once per language, each naming the others (hreflang) and the English one as
    x-default, as the pages themselves do."""

    i18n = True
    alternates = True
    x_default = True
