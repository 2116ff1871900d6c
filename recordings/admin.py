from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User

from ecgsite.erasure import delete_account
from recordings.models import Questionnaire, Recording, RecordingFile, Symptom


class AccountAdmin(UserAdmin):
    """Users deleted here go as their own account deletion does (``ecgsite.erasure``): their
    recordings first, which waits for a worker storing results of theirs
    (``RecordingQuerySet.delete``), then the user."""

    def delete_model(self, request, obj: User) -> None:
        delete_account(obj)

    def delete_queryset(self, request, queryset) -> None:
        for user in queryset:
            delete_account(user)


admin.site.unregister(User)
admin.site.register(User, AccountAdmin)


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
