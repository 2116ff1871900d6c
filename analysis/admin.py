from django.contrib import admin

from analysis.models import Analysis


@admin.register(Analysis)
class AnalysisAdmin(admin.ModelAdmin):
    list_display = ("id", "recording", "status", "progress", "created", "finished")
    list_filter = ("status", "created")
    search_fields = ("recording__name", "recording__owner__username")
    raw_id_fields = ("recording",)
