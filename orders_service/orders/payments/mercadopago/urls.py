from django.urls import path

from orders.payments.mercadopago.views import checkout_page

urlpatterns = [
    path("checkout/<str:order_number>/<str:token>", checkout_page, name="mercadopago-checkout"),
]
