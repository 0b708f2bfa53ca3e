"""Daily e-mail alerts to unit heads who opted in (AlertSubscription): an element whose NRR over the unit's last
50 counted answers falls below the C band, a day whose pulse taps are unhappy beyond the head's threshold, and a
complaint theme that doubles against its four-week average. `send_alerts` runs this every hour; each head gets
at most one digest a day, at the hour they chose in their region's time."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Count, Q, Sum
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from agencies.models import Region, ServiceUnit, StaffRole
from agencies.zones import region_zone
from agencies.selectors import agency_descendant_ids
from pulse.models import PulseAnswer
from reports.complaints import complaint_counts
from reports.forms import CUSTOM
from reports.ikm import GRADE_D, ElementTotal, element_score
from reports.models import AlertSubscription
from surveys.models import Answer, Element
from surveys.themes import ELEMENTS, Tone, theme_label

RECENT_ANSWERS = 50
PULSE_MIN_TAPS = 10  # below this a few taps would make any share
THEME_MIN_COMPLAINTS = 3  # "doubled" from one complaint to two is noise
THEME_WEEK_DAYS = 7
THEME_BASE_WEEKS = 4
HEAD_ROLES = (StaffRole.Role.AGENCY_ADMIN, StaffRole.Role.UNIT_OPERATOR)


@dataclass(frozen=True)
class Alert:
    unit: str
    message: str
    path: str  # the page that shows it


def _unit_suggestions_path(unit, *, start: date, end: date, **params) -> str:
    query = urlencode({"period": CUSTOM, "dari": start.isoformat(), "sampai": end.isoformat(), **params})
    return f"{reverse('reports:unit_suggestions', args=[unit.code])}?{query}"


def element_nrr_alerts(unit) -> list[Alert]:
    """Elements of the unit's questionnaire whose last 50 counted answers grade D (below the C band)."""
    rules = unit.questionnaire.rules
    alerts = []
    for element in Element.objects.filter(questionnaire_id=unit.questionnaire_id).order_by("position"):
        recent = (Answer.objects.filter(element=element, response__unit=unit, response__excluded_at__isnull=True)
                  .order_by("-response__answered_at", "-response_id")[:RECENT_ANSWERS])
        totals = recent.aggregate(total=Sum("value"), count=Count("id"))
        if totals["count"] < RECENT_ANSWERS:
            continue
        score = element_score(ElementTotal(element.code, totals["total"], totals["count"]), rules)
        if score.grade == GRADE_D:
            alerts.append(Alert(unit.name, translation.gettext(
                "%(code)s %(name)s: NRR × 25 dari %(n)s jawaban terakhir %(value)s (mutu D, di bawah C)") % {
                "code": element.code, "name": element.name, "n": RECENT_ANSWERS, "value": score.converted},
                reverse("reports:unit_dashboard", args=[unit.code])))
    return alerts


def pulse_alert(unit, *, day: date, threshold: int) -> Alert | None:
    """The day's share of unhappy pulse taps (values 1 and 2) when it reaches the threshold percent."""
    counts = PulseAnswer.objects.filter(unit=unit, day=day).aggregate(
        total=Count("id"), unhappy=Count("id", filter=Q(value__lte=2)))
    if counts["total"] < PULSE_MIN_TAPS or counts["unhappy"] * 100 < threshold * counts["total"]:
        return None
    share = round(counts["unhappy"] * 100 / counts["total"])
    return Alert(unit.name, translation.gettext(
        "Denyut harian %(day)s: %(share)s%% ketukan tidak puas (%(unhappy)s dari %(total)s), ambang %(threshold)s%%")
        % {"day": day.isoformat(), "share": share, "unhappy": counts["unhappy"], "total": counts["total"],
           "threshold": threshold}, reverse("pulse:board", args=[unit.code]))


def theme_alerts(unit, *, day: date, zone: ZoneInfo) -> list[Alert]:
    """Complaint themes of the last seven days that reach twice their weekly average of the four weeks before."""
    week_start = day - timedelta(days=THEME_WEEK_DAYS - 1)
    base_start = week_start - timedelta(weeks=THEME_BASE_WEEKS)

    def at(local_day):
        return datetime.combine(local_day, time.min, tzinfo=zone)

    counts = complaint_counts(unit_ids=[unit.id], spans={
        "week": (at(week_start), at(day + timedelta(days=1))), "base": (at(base_start), at(week_start))})
    alerts = []
    for code in ELEMENTS:
        week, base = counts[code]["week"], counts[code]["base"]
        average = base / THEME_BASE_WEEKS
        if week >= THEME_MIN_COMPLAINTS and week >= 2 * average:
            alerts.append(Alert(unit.name, translation.gettext(
                "Keluhan tentang %(theme)s: %(week)s dalam 7 hari terakhir, rata-rata 4 minggu sebelumnya "
                "%(average)s per minggu") % {"theme": theme_label(code), "week": week,
                                             "average": f"{average:.1f}".replace(".", ",")},
                _unit_suggestions_path(unit, start=week_start, end=day, tema=code, nada=Tone.COMPLAINT)))
    return alerts


def head_units(user):
    """The units a unit head watches: their agencies' units (with the agencies under them) and their own units."""
    roles = StaffRole.objects.filter(user=user, role__in=HEAD_ROLES)
    agency_ids = agency_descendant_ids([role.agency_id for role in roles if role.agency_id])
    return (ServiceUnit.objects.filter(Q(agency_id__in=agency_ids) | Q(id__in=[r.unit_id for r in roles if r.unit_id]))
            .select_related("questionnaire").order_by("name"))


def head_region(user) -> Region | None:
    role = (StaffRole.objects.filter(user=user, role__in=HEAD_ROLES)
            .select_related("agency__region", "unit__agency__region").order_by("id").first())
    if role is None:
        return None
    return role.agency.region if role.agency_id else role.unit.agency.region


def subscription_alerts(subscription: AlertSubscription, *, day: date, zone: ZoneInfo) -> list[Alert]:
    alerts = []
    for unit in head_units(subscription.user):
        alerts += element_nrr_alerts(unit)
        found = pulse_alert(unit, day=day, threshold=subscription.unhappy_share)
        alerts += [found] if found else []
        alerts += theme_alerts(unit, day=day, zone=zone)
    return alerts


def alerts_send(*, now: datetime, base_url: str | None = None) -> int:
    """Send every digest that is due (its hour has come in the region's time, not yet sent that day); the number
    of e-mails sent. A head without alerts that day gets no e-mail."""
    base_url = (base_url or settings.SKM_BASE_URL).rstrip("/")
    sent = 0
    for subscription in AlertSubscription.objects.filter(is_active=True).select_related("user"):
        region = head_region(subscription.user)
        if region is None or not subscription.user.is_active:
            continue
        zone = region_zone(region)
        local = now.astimezone(zone)
        if local.hour < subscription.hour or subscription.last_sent_on == local.date():
            continue
        with translation.override(settings.LANGUAGE_CODE):
            alerts = subscription_alerts(subscription, day=local.date(), zone=zone)
            if alerts and subscription.user.email:
                body = render_to_string("reports/alerts_email.txt", {
                    "user": subscription.user, "day": local.date(), "alerts": alerts, "base_url": base_url,
                    "settings_url": base_url + reverse("reports:alert_settings")})
                subject = translation.gettext("SKM: %(n)s peringatan, %(day)s") % {
                    "n": len(alerts), "day": local.date().isoformat()}
                send_mail(subject, body, None, [subscription.user.email])
                sent += 1
        AlertSubscription.objects.filter(pk=subscription.pk).update(last_sent_on=local.date())
    return sent
