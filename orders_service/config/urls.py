from django.contrib import admin
from django.urls import include, path

from common.urls import admin_sign_on_urlpatterns, platform_urlpatterns
from config.api import api

urlpatterns = [
    *platform_urlpatterns,
    *admin_sign_on_urlpatterns("orders"),
    path("admin/", admin.site.urls),
    path("api/orders/", api.urls),
    # The sandbox PSP's hosted payment page (what a real provider would serve on its own domain).
    path("payments/sandbox/", include("orders.payments.sandbox.urls")),
    path("payments/mercadopago/", include("orders.payments.mercadopago.urls")),
    # Any provider's Pix QR image and boleto slip, drawn from the order's payment session.
    path("payments/", include("orders.payments.urls")),
    # The order status page for guests (email links when no storefront is configured).
    path("pedidos/", include("orders.orders.status_page")),
]
