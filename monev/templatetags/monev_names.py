"""Checklist item names on screens: the default items (stored in Indonesian) in the screen's language."""

from django import template
from django.utils.translation import gettext

register = template.Library()


@register.filter
def item_names_shown(names) -> list[str]:
    """Item names as a screen shows them (ChecklistItem.name_shown, for names already read as text)."""
    return [gettext(name) for name in names]
