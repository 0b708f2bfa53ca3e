"""Recording acts that change scores, access or publication (read by region admins)."""

from agencies.models import AuditEvent


def audit_record(*, actor, action: str, target, region=None, **detail) -> AuditEvent:
    """Call inside the transaction of the act itself, so the record exists exactly when the act does."""
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None, action=action,
        region=region, target=str(target)[:255], detail=detail,
    )
