from common.urls import platform_urlpatterns

urlpatterns = [*platform_urlpatterns]
