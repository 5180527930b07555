from django.apps import AppConfig


class BookingsConfig(AppConfig):
    name = "bookings"
    verbose_name = "Bookings"

    def ready(self) -> None:
        from django.db.models import signals

        from bookings import holds, money
        from bookings.models import ExchangeRate

        holds.watch_bookings()
        for signal in (signals.post_save, signals.post_delete):
            signal.connect(money.rates_changed, sender=ExchangeRate, dispatch_uid="money-rates")
