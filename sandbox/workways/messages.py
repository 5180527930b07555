"""Workways sandbox: the documented messages (English, French) and the answer envelope."""

from __future__ import annotations

from werkzeug.wrappers import Response

from sandbox.core import json_response

BEARER = "Authorization: Bearer <your_token>"


# --- Messages (English, French) -------------------------------------------------------
# doc: "When language=fr, error and success messages are returned in French. Default is
# English." Documented English texts are word for word; French ones are translations,
# except the two the document only gives in French.
MESSAGES = {
    "ok": ("OK", "OK"),
    "auth_missing": (
        f"Unauthorized: Authorization header is required. Use: {BEARER}",
        f"Non autorisé : l'en-tête Authorization est requis. Utilisez : {BEARER}",
    ),
    "auth_format": (
        f"Unauthorized: Invalid authorization format. Use: {BEARER}",
        f"Non autorisé : format d'autorisation invalide. Utilisez : {BEARER}",
    ),
    "auth_invalid": (
        "Unauthorized: Invalid or revoked token",
        "Non autorisé : token invalide ou révoqué",
    ),
    # doc gives these two in French only ("Inactive/Invalidated Token", "Archived Account")
    "token_inactive": (
        "Votre token est expiré, connectez-vous à votre compte pour le renouveler",
        "Votre token est expiré, connectez-vous à votre compte pour le renouveler",
    ),
    "account_archived": (
        "Votre compte est désactivé, contactez Workways",
        "Votre compte est désactivé, contactez Workways",
    ),
    "user_archived": (
        "Unauthorized: User account is archived",
        "Non autorisé : le compte utilisateur est archivé",
    ),
    "invalid_country": (
        'Invalid country: "{value}". Use ISO code (e.g., "FR", "BE") or country name '
        '(e.g., "France", "Belgium")',
        'Pays invalide : "{value}". Utilisez un code ISO (ex. : "FR", "BE") ou un nom de pays '
        '(ex. : "France", "Belgique")',
    ),
    # doc, Error Handling: "Invalid site ID format." (with a period) for /api/rooms
    "invalid_site_rooms": ("Invalid site ID format.", "Format d'identifiant de site invalide."),
    "invalid_site": ("Invalid site ID format", "Format d'identifiant de site invalide"),
    "ics_bad": (
        'Bad request: "rooms" query parameter is missing, empty, or contains invalid IDs.',
        'Requête invalide : le paramètre "rooms" est manquant, vide ou contient des '
        "identifiants invalides.",
    ),
    "missing_param": ("Missing required parameter: {name}", "Paramètre requis manquant : {name}"),
    "invalid_format": ("Invalid {name} format", "Format de {name} invalide"),
    "invalid_email": ("Invalid email format", "Format d'e-mail invalide"),
    "invalid_user_id": ("Invalid user ID format", "Format d'identifiant utilisateur invalide"),
    "invalid_org_id": (
        "Invalid organization ID format",
        "Format d'identifiant d'organisation invalide",
    ),
    "room_not_found": ("Room not found", "Salle introuvable"),
    "site_not_found": ("Site not found", "Site introuvable"),
    "user_not_found": ("User not found", "Utilisateur introuvable"),
    "org_not_found": ("Organization not found", "Organisation introuvable"),
    "meeting_not_found": ("Meeting not found", "Réunion introuvable"),
    "image_not_found": ("Image not found", "Image introuvable"),
    # /api/meeting-request
    "past_new": (
        "Cannot book meetings for today or past dates",
        "Impossible de réserver une réunion pour aujourd'hui ou une date passée",
    ),
    "advance_new": (
        "Meetings must be booked at least 2 days in advance",
        "Les réunions doivent être réservées au moins 2 jours à l'avance",
    ),
    "past_member": (
        "Cannot book meetings for past dates",
        "Impossible de réserver une réunion pour une date passée",
    ),
    "not_public": (
        "This room is not available for public booking",
        "Cette salle n'est pas disponible à la réservation publique",
    ),
    "overlap": (
        "This time slot is not available. Another meeting is already booked during this period.",
        "Ce créneau n'est pas disponible. Une autre réunion est déjà réservée sur cette période.",
    ),
    "accepted": ("Your booking has been confirmed.", "Votre réservation a été confirmée."),
    "request_accepted": (
        "Your meeting request has been received. Please complete your registration to "
        "confirm the booking.",
        "Votre demande de réunion a bien été reçue. Veuillez finaliser votre inscription "
        "pour confirmer la réservation.",
    ),
    "archived": (
        "Your account is no longer valid. Please contact an administrator to restore it.",
        "Votre compte n'est plus valide. Veuillez contacter un administrateur pour le rétablir.",
    ),
    "invalid_booked_at": (
        "Invalid bookedAt: must be an ISO 8601 date/time",
        "bookedAt invalide : doit être une date/heure au format ISO 8601",
    ),
    "invalid_duration": (
        "Invalid duration: must be a positive number",
        "Durée invalide : doit être un nombre positif",
    ),
    "duration_min": (
        "Duration must be at least {n} minutes",
        "La durée doit être d'au moins {n} minutes",
    ),
    "duration_max": (
        "Duration must not exceed {n} minutes",
        "La durée ne peut pas dépasser {n} minutes",
    ),
    "duration_step": (
        "Duration must be a multiple of {n} minutes",
        "La durée doit être un multiple de {n} minutes",
    ),
    "slot_closed": (
        "This room cannot be booked on this day",
        "Cette salle ne peut pas être réservée ce jour-là",
    ),
    "slot_outside": (
        "The requested time is outside the room's booking hours ({slot})",
        "L'horaire demandé est en dehors des horaires de réservation de la salle ({slot})",
    ),
    "invalid_booked_user": (
        "Invalid bookedUser: must be a positive number",
        "bookedUser invalide : doit être un nombre positif",
    ),
    # /api/room-price
    "price_unavailable": (
        "Price calculation not available for this room state/type",
        "Calcul du prix indisponible pour cet état/type de salle",
    ),
    "price_unsupported": (
        "Price calculation not supported for room type: {kind}",
        "Calcul du prix non pris en charge pour le type de salle : {kind}",
    ),
    "invalid_period": (
        'Invalid period: must be "week" or "month"',
        'Période invalide : doit être "week" ou "month"',
    ),
    # /api/set-optin
    "optin_missing_user": (
        "Missing required parameter: user (user ID)",
        "Paramètre requis manquant : user (identifiant utilisateur)",
    ),
    "optin_missing": (
        "Missing required parameter: optin (true/false)",
        "Paramètre requis manquant : optin (true/false)",
    ),
    "optin_invalid": (
        'Invalid optin value. Use true/false, 1/0, or "true"/"false"',
        'Valeur optin invalide. Utilisez true/false, 1/0 ou "true"/"false"',
    ),
    # /api/merge-contract
    "invalid_date_param": (
        "Invalid date for {name}: use YYYY-MM-DD",
        "Date invalide pour {name} : utilisez AAAA-MM-JJ",
    ),
    "invalid_list": ("Invalid {name}: must be an array", "{name} invalide : doit être un tableau"),
    "option_model_not_found": (
        "Contract option not found: {id}",
        "Option de contrat introuvable : {id}",
    ),
    "invalid_room_in_list": ("Invalid room ID: {id}", "Identifiant de salle invalide : {id}"),
    "invalid_renewal": (
        "Invalid rentalRenewal: must be a number",
        "rentalRenewal invalide : doit être un nombre",
    ),
    # /api/register
    "registered": (
        "Organization registered successfully. A verification email has been sent.",
        "Organisation enregistrée avec succès. Un e-mail de vérification a été envoyé.",
    ),
    "register_updated": (
        "Registration successful. Your organization has been updated.",
        "Inscription réussie. Votre organisation a été mise à jour.",
    ),
    "user_exists": (
        "User already registered with an organization.",
        "Utilisateur déjà enregistré avec une organisation.",
    ),
    "site_required": (
        "At least one of siteId, roomId or meetingId is required",
        "Au moins un des paramètres siteId, roomId ou meetingId est requis",
    ),
    "invalid_max_resident": (
        "Invalid maxResidentUsers: must be a number greater than or equal to 1",
        "maxResidentUsers invalide : doit être un nombre supérieur ou égal à 1",
    ),
}


def message(msg_key: str, lang: str, **values) -> str:
    english, french = MESSAGES[msg_key]
    text = french if lang == "fr" else english
    return text.format(**values) if values else text


def ok(data, lang: str = "en", status: int = 200) -> Response:
    return json_response({"retcode": 1, "message": message("ok", lang), "data": data}, status)


def error(
    msg_key: str, lang: str, status: int = 400, extra: dict | None = None, **values
) -> Response:
    body = {"retcode": -1, "message": message(msg_key, lang, **values)}
    body.update(extra or {})
    return json_response(body, status)
