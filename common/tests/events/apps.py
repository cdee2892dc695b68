from django.apps import AppConfig


class EventsTestConfig(AppConfig):
    name = "tests.events"
    label = "eventstest"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from tests.events import contracts  # noqa: F401  (registers the test-only contracts)
