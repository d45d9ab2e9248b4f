from django import template

from a4ep_portal.admin_home import sections_for

register = template.Library()


@register.simple_tag(takes_context=True)
def admin_home_sections(context):
    """The admin home's sections this user may see (a4ep_portal/admin_home.py)."""
    return sections_for(context["request"])
