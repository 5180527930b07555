"""Catalogue pages: /spaces/ (search with htmx filters) and /spaces/<id>/."""

from __future__ import annotations

import datetime as dt

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from portal.forms import SpaceFilterForm
from providers import selectors

PAGE_SIZE = 12


def space_list(request: HttpRequest) -> HttpResponse:
    form = SpaceFilterForm(request.GET or None, choices=selectors.filter_choices())
    status = 200
    if form.is_bound and not form.is_valid():
        spaces = selectors.visible_spaces().none()
        status = 400
    else:
        filters = form.cleaned_data if form.is_bound else {}
        spaces = selectors.search_spaces(
            **{k: v for k, v in filters.items() if v not in (None, "", [])}
        )
    page = Paginator(spaces, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    template = "spaces/partials/results.html" if request.htmx else "spaces/list.html"
    return render(request, template, context, status=status)


def space_detail(request: HttpRequest, pk: int) -> HttpResponse:
    space = get_object_or_404(selectors.visible_spaces(), pk=pk)
    try:  # the day searched for: room calendars open on its week
        day = dt.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        day = None
    return render(request, "spaces/detail.html", {"space": space, "day": day})
