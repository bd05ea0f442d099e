app_name = "addresses"

urlpatterns: list[object] = []
