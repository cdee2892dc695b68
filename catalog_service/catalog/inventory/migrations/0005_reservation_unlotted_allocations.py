"""Reservations held or sold before lots existed took unlotted units: record that allocation, so a
later commit or cancellation of them moves the right units (and never allocates them a second time)."""

from django.db import migrations


def forwards(apps, schema_editor):
    Reservation = apps.get_model("inventory", "Reservation")
    ReservationLot = apps.get_model("inventory", "ReservationLot")
    live = Reservation.objects.filter(state__in=["active", "committed"]).exclude(variant=None)
    batch = []
    for pk, quantity in live.values_list("pk", "quantity").iterator(chunk_size=2000):
        batch.append(ReservationLot(reservation_id=pk, lot=None, quantity=quantity))
        if len(batch) >= 2000:
            ReservationLot.objects.bulk_create(batch)
            batch = []
    ReservationLot.objects.bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [("inventory", "0004_stock_lots_fefo")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
