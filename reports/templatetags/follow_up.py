from django import template

from reports.followup import is_overdue

register = template.Library()


@register.filter
def overdue(plan, today) -> bool:
    """{% if plan|overdue:today %}: not completed and due before today (reports.followup.is_overdue)."""
    return is_overdue(status=plan.status, due_date=plan.due_date, today=today)
