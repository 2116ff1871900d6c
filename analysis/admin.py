from django.contrib import admin

from analysis.models import Analysis, AuditEntry, ChunkResult, Event, EventReview, ReviewCase


class EventInline(admin.TabularInline):
    model = Event
    extra = 0
    fields = ("type", "start_s", "end_s", "severity", "score", "beats", "description")
    readonly_fields = fields
    can_delete = False
    show_change_link = True


@admin.register(Analysis)
class AnalysisAdmin(admin.ModelAdmin):
    list_display = ("id", "recording", "status", "progress", "flagged", "created", "finished")
    list_filter = ("status", "flagged", "created")
    search_fields = ("recording__name", "recording__owner__username")
    raw_id_fields = ("recording",)
    inlines = [EventInline]


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ("id", "analysis", "type", "start_s", "end_s", "severity", "score")
    list_filter = ("type", "severity")
    search_fields = ("analysis__recording__name",)
    raw_id_fields = ("analysis",)


@admin.register(ChunkResult)
class ChunkResultAdmin(admin.ModelAdmin):
    list_display = ("id", "analysis", "index", "n_beats", "created")
    raw_id_fields = ("analysis",)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Review data changes only through the review pages, which write the audit trail."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class EventReviewInline(ReadOnlyInline):
    model = EventReview
    fields = ("event", "decision", "new_type", "new_class", "note", "reviewer", "updated")
    readonly_fields = fields


class AuditEntryInline(ReadOnlyInline):
    model = AuditEntry
    fields = ("created", "actor", "action", "details")
    readonly_fields = fields


@admin.register(ReviewCase)
class ReviewCaseAdmin(ReadOnlyAdmin):
    list_display = ("id", "recording", "owner", "status", "claimed_by", "created", "closed_at")
    list_filter = ("status", "claimed_by", "created", "closed_at")
    search_fields = (
        "analysis__recording__name",
        "analysis__recording__owner__username",
        "conclusion",
    )
    list_select_related = ("analysis__recording__owner", "claimed_by")
    inlines = [EventReviewInline, AuditEntryInline]

    @admin.display(ordering="analysis__recording__name")
    def recording(self, case: ReviewCase) -> str:
        return case.analysis.recording.name

    @admin.display(ordering="analysis__recording__owner__username")
    def owner(self, case: ReviewCase) -> str:
        return case.analysis.recording.owner.get_username()


@admin.register(EventReview)
class EventReviewAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "case",
        "event",
        "decision",
        "new_type",
        "new_class",
        "reviewer",
        "updated",
    )
    list_filter = ("decision", "new_class", "new_type", "event__type")
    search_fields = ("case__analysis__recording__name", "reviewer__username", "note")
    list_select_related = ("case__analysis__recording", "event", "reviewer")


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ("id", "created", "actor", "action", "case")
    list_filter = ("action", "created")
    search_fields = ("actor__username", "case__analysis__recording__name")
    list_select_related = ("actor", "case__analysis__recording")
