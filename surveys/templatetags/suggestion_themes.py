from django import template

from surveys.themes import theme_label as _theme_label

register = template.Library()


@register.filter
def theme_label(code: str) -> str:
    return _theme_label(code)


@register.filter
def theme_codes(stored: str) -> list[str]:
    """The element codes kept on a response ("U3 U7")."""
    return stored.split()
