"""The knowledge base's endpoints, mounted under /api/v1/ in the `api` namespace (portal.api_urls)."""

from django.urls import path

from services.enquiries import api

urlpatterns = [
    path("kb/articles/", api.ArticleSearchApi.as_view(), name="kb-article-list"),
    path("kb/articles/<int:pk>/", api.ArticleDetailApi.as_view(), name="kb-article-detail"),
]
