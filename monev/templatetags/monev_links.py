from django import template

from agencies.selectors import administered_regions

register = template.Library()


@register.inclusion_tag("monev/_region_links.html")
def monev_links(user):
    """Links to the monev of the regions the user evaluates (region admins); nothing for anybody else."""
    return {"regions": list(administered_regions(user).order_by("name"))}
