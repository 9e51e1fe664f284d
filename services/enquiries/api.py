"""Enquiries' and the knowledge base's endpoints.

- POST /api/v1/work-orders/enquiries/: ask a question (a customer for a linked account, staff for a caller);
  answering, the verdict and the rest are the backbone's action and step endpoints.
- GET /api/v1/kb/articles/?q=…&category=…: the ranked Chinese search (public articles; staff also internal);
  GET /api/v1/kb/articles/<id>/: one article (counted as a reading).
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.generics import ListAPIView, RetrieveAPIView
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from services import textsearch
from services.api import NewRequestApi, NewRequestInput, named_choice_field
from services.enquiries import actions
from services.enquiries.forms import QUESTION_KINDS
from services.enquiries.models import Article, Category
from services.enquiries.views import excerpt, found
from services.notices.api import PublicThrottle

QuestionKindField = named_choice_field(QUESTION_KINDS, "QuestionKindEnum")
CategoryField = named_choice_field(Category.choices, "KnowledgeCategoryEnum")


class EnquiryCreateApi(NewRequestApi):
    submit = staticmethod(actions.file_enquiry)

    @extend_schema_serializer(component_name="EnquiryInput")
    class InputSerializer(NewRequestInput):
        kind = QuestionKindField()
        category = CategoryField()

    @NewRequestApi.describe(
        "work_orders_ask_question", _("Ask a question (enquiry or information query)"), InputSerializer
    )
    def post(self, request: Request) -> Response:
        return super().post(request)


@extend_schema_serializer(component_name="KnowledgeArticle")
class ArticleOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    category = CategoryField()
    body = serializers.CharField()
    is_public = serializers.BooleanField()
    effective_on = serializers.DateField()
    review_on = serializers.DateField()
    version = serializers.IntegerField()


@extend_schema_serializer(component_name="KnowledgeArticleHit")
class HitOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    category = CategoryField()
    excerpt = serializers.CharField(help_text=_("HTML: the text around the match, the query's words in <mark>."))


class ArticleSearchApi(ListAPIView):
    permission_classes = [AllowAny]
    throttle_classes = [PublicThrottle]
    serializer_class = HitOutput

    @extend_schema(
        operation_id="kb_articles_search",
        summary=_("Search the knowledge base (Chinese words, ranked)"),
        parameters=[
            OpenApiParameter("q", str, description=_("What to look for, e.g. 阶梯电价.")),
            OpenApiParameter("category", str, enum=[value for value, _label in Category.choices]),
        ],
    )
    def get(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Article]:
        params = self.request.query_params
        category = params.get("category", "")
        return found(self.request.user, params.get("q", "")[:100], category if category in Category.values else "")

    def list(self, request: Request, *args: object, **kwargs: object) -> Response:
        page = self.paginate_queryset(self.get_queryset().only("title", "body", "category"))
        query = request.query_params.get("q", "")[:100]
        rows = [
            {
                "id": article.pk,
                "title": article.title,
                "category": article.category,
                "excerpt": str(textsearch.highlight(excerpt(article.body, query), query)),
            }
            for article in page
        ]
        return self.get_paginated_response(HitOutput(rows, many=True).data)


class ArticleDetailApi(RetrieveAPIView):
    permission_classes = [AllowAny]
    throttle_classes = [PublicThrottle]
    serializer_class = ArticleOutput

    @extend_schema(operation_id="kb_articles_retrieve", summary=_("One knowledge-base article"))
    def get(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().get(request, *args, **kwargs)

    def get_object(self) -> Article:
        article = Article.objects.visible_to(self.request.user).filter(pk=self.kwargs["pk"]).first()
        if article is None:
            raise NotFound
        actions.record_read(article, by=self.request.user)
        return article
