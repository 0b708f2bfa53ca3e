"""Reads of campaigns: who may see which campaign and which of its units, and its progress counted from the
day-level tallies (surveys.ResponseTally) in grouped queries."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Q, QuerySet, Sum
from django.shortcuts import get_object_or_404

from agencies.models import Agency, Region, ServiceUnit
from agencies.selectors import administered_regions, get_region_for_user, units_for_user
from campaigns.models import Campaign, CampaignService
from campaigns.progress import is_behind, share_elapsed
from campaigns.sampling import Candidate
from campaigns.targets import targets_by_unit
from surveys.models import ResponseTally


def campaigns_for_user(user) -> QuerySet[Campaign]:
    """Campaigns of the regions the user administers, and those with a participating unit in the user's scope."""
    return (Campaign.objects.filter(Q(region__in=administered_regions(user)) | Q(units__in=units_for_user(user)))
            .distinct().select_related("region"))


def get_campaign_for_user(user, campaign_id: int) -> Campaign:
    return get_object_or_404(campaigns_for_user(user), pk=campaign_id)


def get_region_campaign_for_user(user, region_code: str, campaign_id: int) -> tuple[Region, Campaign]:
    """A campaign its region's admin may change."""
    region = get_region_for_user(user, region_code)
    return region, get_object_or_404(Campaign, region=region, pk=campaign_id)


def campaign_units_for_user(user, campaign: Campaign) -> QuerySet[ServiceUnit]:
    """The participating units whose progress the user may see: all for the region's admin, else the user's own."""
    return (campaign.units.filter(id__in=units_for_user(user)).select_related("agency__parent")
            .order_by("agency__parent__name", "agency__name", "name"))


def sampling_candidates(*, region: Region, agency_kind: str) -> list[Candidate]:
    """Active units of the region's active agencies of a kind, grouped by their agency's parent (a kelurahan's
    kecamatan); an agency without a parent forms a group of its own."""
    rows = ServiceUnit.objects.filter(agency__region=region, agency__kind=agency_kind, agency__is_active=True,
                                      is_active=True).values_list("code", "agency__parent__code", "agency__code")
    return [Candidate(code=code, group=parent or own) for code, parent, own in rows]


def group_names(codes) -> dict[str, str]:
    return dict(Agency.objects.filter(code__in=list(codes)).values_list("code", "name"))


@dataclass
class UnitProgress:
    unit: ServiceUnit
    target: int | None
    respondents: int = 0
    by_service: dict[int, int] = field(default_factory=dict)  # campaign service id -> respondents
    service_counts: list[int] = field(default_factory=list)  # respondents per campaign service, in its order
    cumulative: list[int | None] = field(default_factory=list)  # respondents up to each day; None: still to come
    behind: bool = False

    @property
    def percent(self) -> int | None:
        return min(100, self.respondents * 100 // self.target) if self.target else None


@dataclass
class CampaignProgress:
    services: list[CampaignService]
    days: list[date]
    units: list[UnitProgress]
    service_totals: dict[int, int]  # campaign service id -> respondents over the units shown
    by_day: dict[date, int]  # respondents per day over the units shown
    elapsed_percent: int
    today: date

    @property
    def respondents(self) -> int:
        return sum(unit.respondents for unit in self.units)

    @property
    def target(self) -> int | None:
        """The units' targets added up; unknown while one of them is."""
        targets = [unit.target for unit in self.units]
        return sum(targets) if targets and None not in targets else None

    @property
    def service_total_counts(self) -> list[int]:
        return [self.service_totals.get(service.id, 0) for service in self.services]

    @property
    def behind(self) -> list[UnitProgress]:
        return [unit for unit in self.units if unit.behind]

    @property
    def cumulative(self) -> list[int | None]:
        return _running_totals(self.days, self.by_day, self.today)


def _running_totals(days: list[date], counts: dict[date, int], today: date) -> list[int | None]:
    """Respondents up to and including each day; None for the days after today."""
    running, totals = 0, []
    for day in days:
        running += counts.get(day, 0)
        totals.append(running if day <= today else None)
    return totals


def campaign_progress(*, campaign: Campaign, units, today: date) -> CampaignProgress:
    """Respondents of the campaign's services at the given units, per unit, service and day, against targets.

    Only responses to the services linked to the campaign count, on the campaign's local days."""
    units = list(units)
    unit_ids = [unit.id for unit in units]
    links = CampaignService.unit_services.through.objects.filter(campaignservice__campaign=campaign,
                                                                 service__unit_id__in=unit_ids)
    service_of = dict(links.values_list("service_id", "campaignservice_id"))
    tallies = ResponseTally.objects.filter(unit_id__in=unit_ids, service_id__in=list(service_of),
                                           day__gte=campaign.start, day__lte=campaign.end)
    per_unit_service = tallies.values("unit_id", "service_id").annotate(n=Sum("count"))
    per_unit_day = tallies.values("unit_id", "day").annotate(n=Sum("count"))
    targets = targets_by_unit(unit_ids=unit_ids, start=campaign.start, end=campaign.end,
                              fixed=campaign.target_fixed if campaign.target_kind == Campaign.TargetKind.FIXED
                              else None)
    progress = {unit.id: UnitProgress(unit=unit, target=targets[unit.id]) for unit in units}
    service_totals: dict[int, int] = {}
    for row in per_unit_service:
        campaign_service_id = service_of[row["service_id"]]
        found = progress[row["unit_id"]]
        found.by_service[campaign_service_id] = found.by_service.get(campaign_service_id, 0) + row["n"]
        found.respondents += row["n"]
        service_totals[campaign_service_id] = service_totals.get(campaign_service_id, 0) + row["n"]
    days = [campaign.start + timedelta(days=offset) for offset in range((campaign.end - campaign.start).days + 1)]
    daily: dict[int, dict[date, int]] = {}
    by_day: dict[date, int] = {}
    for row in per_unit_day:
        daily.setdefault(row["unit_id"], {})[row["day"]] = row["n"]
        by_day[row["day"]] = by_day.get(row["day"], 0) + row["n"]
    services = list(campaign.campaign_services.all())
    for found in progress.values():
        found.service_counts = [found.by_service.get(service.id, 0) for service in services]
        found.cumulative = _running_totals(days, daily.get(found.unit.id, {}), today)
        found.behind = is_behind(respondents=found.respondents, target=found.target, start=campaign.start,
                                 end=campaign.end, today=today)
    elapsed = share_elapsed(start=campaign.start, end=campaign.end, today=today)
    return CampaignProgress(services=services, days=days, units=[progress[unit.id] for unit in units],
                            service_totals=service_totals, by_day=by_day, elapsed_percent=int(elapsed * 100),
                            today=today)
