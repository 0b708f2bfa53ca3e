"""An example campaign for the demo Pemda: two kelurahan drawn per kecamatan, running today, over two services
the demo responses already use, so its progress page shows real numbers."""

from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from agencies.models import Agency, Region, ServiceUnit
from campaigns.models import Campaign
from campaigns.sampling import draw_per_group
from campaigns.selectors import sampling_candidates
from campaigns.services import campaign_save

NAME = "Survei Layanan Kelurahan"
SERVICES = ["Surat Keterangan Domisili", "Surat Keterangan Tidak Mampu"]
PER_KECAMATAN = 2
TARGET = 20


def demo_campaign_seed(*, region: Region, seed: int, today: date | None = None) -> Campaign:
    """A 30-day campaign that started 20 days ago, its kelurahan drawn with the demo's seed."""
    today = today or timezone.localdate()
    codes = draw_per_group(sampling_candidates(region=region, agency_kind=Agency.Kind.KELURAHAN),
                           per_group=PER_KECAMATAN, seed=seed)
    campaign = Campaign(region=region, name=NAME, start=today - timedelta(days=20), end=today + timedelta(days=9),
                        selection=Campaign.Selection.SAMPLED, sample_agency_kind=Agency.Kind.KELURAHAN,
                        sample_per_group=PER_KECAMATAN, seed=seed, target_kind=Campaign.TargetKind.FIXED,
                        target_fixed=TARGET)
    return campaign_save(campaign=campaign, units=list(ServiceUnit.objects.filter(code__in=codes)),
                         service_names=SERVICES, by=get_user_model().objects.filter(username="bagor").first())
