from django.contrib import admin

from analysis.models import Analysis, ChunkResult, Event


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
