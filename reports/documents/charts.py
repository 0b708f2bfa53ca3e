"""Charts for the documents, as inline SVG. The drawing itself belongs to reports.charts (shared with the
dashboards); until it is available the documents print a placeholder where a chart goes (None here)."""


def elements_chart(rows: list[dict]):
    return None


def profile_chart(table: dict):
    return None


def units_chart(rows: list[dict]):
    return None
