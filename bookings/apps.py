from django.apps import AppConfig


class BookingsConfig(AppConfig):
    name = "bookings"
    verbose_name = "Bookings"

    def ready(self) -> None:
        from django.db.models import signals

        from bookings import calendars, holds, member_rows, money
        from bookings.models import ExchangeRate, FeedToken

        holds.watch_bookings()
        member_rows.watch()
        for signal in (signals.post_save, signals.post_delete):
            signal.connect(money.rates_changed, sender=ExchangeRate, dispatch_uid="money-rates")
            signal.connect(calendars.links_changed, sender=FeedToken, dispatch_uid="feed-links")
