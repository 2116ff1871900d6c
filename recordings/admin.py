from django.contrib import admin

from recordings.models import Questionnaire, Recording, RecordingFile, Symptom


class RecordingFileInline(admin.TabularInline):
    model = RecordingFile
    extra = 0
    readonly_fields = ("name", "size", "file")


@admin.register(Recording)
class RecordingAdmin(admin.ModelAdmin):
    list_display = ("name", "owner", "format", "sampling_rate", "duration_s", "created")
    list_filter = ("format", "created")
    search_fields = ("name", "owner__username", "owner__email")
    inlines = [RecordingFileInline]


class SymptomInline(admin.TabularInline):
    model = Symptom
    extra = 0


@admin.register(Questionnaire)
class QuestionnaireAdmin(admin.ModelAdmin):
    list_display = ("recording", "age", "sex", "updated")
    search_fields = ("recording__name", "recording__owner__username")
    inlines = [SymptomInline]
