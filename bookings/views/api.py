"""What the JSON endpoints share (bookings' and the catalogue's /api/...): a 400 that
names the parameter in error, and the refusal of a parameter the operation does not take
or given without a value."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe


def read_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A JSON endpoint that changes nothing: GET and HEAD; any other method is a 405 that
    says which to use, not a CSRF 403 first (with nothing to change there is nothing to
    forge), as the OpenAPI document's clients expect."""
    return csrf_exempt(require_safe(view))


def bad_parameter(parameter: str, message: str) -> JsonResponse:
    """400 with the OpenAPI document's ``Error``: what is wrong, and with which parameter."""
    return JsonResponse({"error": message, "parameter": parameter}, status=400)


def unknown_parameter(request: HttpRequest, known: Iterable[str]) -> JsonResponse | None:
    """A parameter the operation does not take is refused, named (the OpenAPI document
    lists each operation's parameters): a typo such as ``?dat=`` is not read as a
    parameter left out. None: every one is known."""
    unknown = sorted(set(request.GET) - set(known))
    if not unknown:
        return None
    if unknown[0] == "":
        return bad_parameter("", "a parameter has no name")
    return bad_parameter(unknown[0], f"unknown parameter: {unknown[0]}")


def empty_parameter(request: HttpRequest) -> JsonResponse | None:
    """A parameter given without a value (``?date=``) is refused, not read as left out:
    the OpenAPI document says a parameter, when given, has one. None: none is empty."""
    for name, values in request.GET.lists():
        if "" in values:
            return bad_parameter(name, f"{name} is empty: give it a value or leave it out")
    return None
