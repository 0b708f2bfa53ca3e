"""Writes of campaigns: saving one with its units and services. A campaign's service missing at a participating
unit is created there, so kiosks, the QR form and paper entry offer it; that is recorded in the audit log."""

from django.db import transaction

from agencies.audit import audit_record
from agencies.models import AuditEvent, Service, ServiceUnit
from campaigns.models import Campaign, CampaignService

Action = AuditEvent.Action


def _unit_service(unit: ServiceUnit, name: str) -> tuple[Service, bool]:
    """The unit's service of that name (case aside), made active; created when the unit has none."""
    service = Service.objects.filter(unit=unit, name__iexact=name).order_by("id").first()
    if service is None:
        return Service.objects.create(unit=unit, name=name), True
    if not service.is_active:
        service.is_active = True
        service.save(update_fields=["is_active"])
        return service, True
    return service, False


@transaction.atomic
def campaign_save(*, campaign: Campaign, units: list[ServiceUnit], service_names: list[str], by) -> Campaign:
    """Store the campaign with exactly these units and services, linking each service name to its row at each
    unit (created or re-activated where needed). All or nothing."""
    created = campaign.pk is None
    if created:
        campaign.created_by = by if getattr(by, "is_authenticated", False) else None
    campaign.full_clean(exclude=["units"])
    campaign.save()
    campaign.units.set(units)
    campaign.campaign_services.exclude(name__in=service_names).delete()
    added = []
    for position, name in enumerate(service_names):
        campaign_service, _new = CampaignService.objects.update_or_create(
            campaign=campaign, name=name, defaults={"position": position})
        linked = []
        for unit in units:
            service, changed = _unit_service(unit, name)
            linked.append(service)
            if changed:
                added.append(f"{unit.code}: {service.name}")
        campaign_service.unit_services.set(linked)
    action = Action.CAMPAIGN_CREATED if created else Action.CAMPAIGN_CHANGED
    audit_record(actor=by, action=action, target=f"campaign {campaign.pk}",
                 region=campaign.region, name=campaign.name, start=campaign.start.isoformat(),
                 end=campaign.end.isoformat(), units=sorted(unit.code for unit in units), services=service_names,
                 seed=campaign.seed, services_added=added)
    return campaign
