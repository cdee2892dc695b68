from django.urls import path

from orders.payments.views import boleto_slip, pix_qr_png

urlpatterns = [
    path("pix/<str:order_number>/<str:token>/qr.png", pix_qr_png, name="payment-pix-qr"),
    path("boleto/<str:order_number>/<str:token>", boleto_slip, name="payment-boleto-slip"),
]
