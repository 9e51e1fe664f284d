"""The knowledge base in the admin (status read-only: publishing and retiring go through the pages)."""

from django.contrib import admin

from services import textsearch
from services.enquiries.models import Article, ArticleVersion


class VersionInline(admin.TabularInline):
    model = ArticleVersion
    extra = 0
    fields = ["number", "title", "note", "edited_by", "edited_at"]
    readonly_fields = fields
    can_delete = False


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "category", "status", "is_public", "effective_on", "review_on", "read_count"]
    list_filter = ["category", "status", "is_public"]
    search_fields = ["title"]
    readonly_fields = ["status", "version", "read_count", "helpful_count", "source_order", "proposed_by"]
    inlines = [VersionInline]

    def save_model(self, request: object, obj: Article, form: object, change: bool) -> None:
        # The search column follows the text, however it was changed.
        obj.search_text = textsearch.search_terms(obj.title, obj.body)
        super().save_model(request, obj, form, change)
