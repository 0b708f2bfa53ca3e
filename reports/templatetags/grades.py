"""Grades on screens, from the letter a page row carries: the label in the screen's language."""

from django import template

from reports.ikm import GRADES

register = template.Library()


@register.filter
def grade_shown(letter: str) -> str:
    """"Baik" on an Indonesian screen, "Good" on an English one; a row without a grade keeps its dash."""
    grade = GRADES.get(letter)
    return grade.performance_shown if grade else letter
