"""Staff's CSV export of bookings for a period (``bookings.exports``)."""

from __future__ import annotations

import csv

from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from bookings import exports


@require_GET
@never_cache
@staff_member_required
@permission_required("bookings.view_booking", raise_exception=True)
def bookings_csv(request: HttpRequest) -> HttpResponse:
    """``?from=2026-01-01&to=2026-01-31``: the bookings starting in those days (at their
    space), as a CSV file for accounting, with totals per provider at the end."""
    try:
        period = exports.parse_period(request.GET.get("from"), request.GET.get("to"))
    except exports.PeriodError as error:
        return HttpResponse(str(error), status=400, content_type="text/plain; charset=utf-8")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{period.filename}"'
    writer = csv.writer(response)
    writer.writerows(exports.rows(exports.bookings_in(period)))
    return response
